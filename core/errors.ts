/**
 * The error tree of the library. Every error a caller is expected to catch extends
 * {@linkcode ApiError}; messages say what was asked, of which server, and what to do next, and
 * never contain the API token.
 *
 * @module
 */

import { redactText } from "./_secrets.ts";

/** Options shared by every error constructor of this module. */
export interface ApiErrorOptions {
  /** The underlying error, kept as `cause`. It must never hold the API token. */
  cause?: unknown;
}

/**
 * Base class of every error this library raises on purpose.
 *
 * @example Catch any library error
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiError, ServerError } from "@cbapi/cbapi/core";
 * const err: ApiError = new ServerError({ status: 500, body: "oops", method: "GET", url: "https://cb.example/api/info" });
 * assert.ok(err instanceof ApiError);
 * ```
 */
export class ApiError extends Error {
  /**
   * Builds an error with a message.
   *
   * @param message The text shown to users.
   * @param options The cause, if any.
   */
  constructor(message: string, options?: ApiErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "ApiError";
  }
}

/** What a request error knows of the request that failed. */
export interface RequestErrorInit {
  /** HTTP status of the answer. */
  status: number;
  /** Text of the answer's body (may be empty). */
  body: string;
  /** HTTP method of the request. */
  method: string;
  /** Full URL of the request (never contains the token). */
  url: string;
  /** An extra sentence appended to the message (for example `Did not update Sensor record.`). */
  result?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

function clip(text: string, max = 500): string {
  // A server answer may echo a token or password: quote it redacted, never as sent.
  const t = redactText(text.trim());
  return t.length > max ? `${t.slice(0, max)}...` : t;
}

/**
 * The server answered with an HTTP error status (other than 404 and 401), or with a body that
 * cannot be understood.
 *
 * @example Inspect the status
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServerError } from "@cbapi/cbapi/core";
 * const err = new ServerError({ status: 503, body: "busy", method: "GET", url: "https://cb.example/api/info" });
 * assert.ok(err.status === 503);
 * ```
 */
export class ServerError extends ApiError {
  /** HTTP status code of the answer (200 when the body of a 200 could not be parsed). */
  readonly status: number;
  /** Body text of the answer, with the values of secret fields (tokens, passwords) redacted. */
  readonly body: string;
  /** HTTP method of the request. */
  readonly method: string;
  /** Full URL of the request. */
  readonly url: string;
  /** Extra explanation, when the library adds one. */
  readonly result: string | undefined;

  /**
   * Builds the error from what is known of the request.
   *
   * @param init The request and answer.
   * @param message Overrides the message built from `init`.
   */
  constructor(init: RequestErrorInit, message?: string) {
    const detail = clip(init.body) || "(No further information provided)";
    super(
      message ??
        `Received error code ${init.status} from API: ${detail}${
          init.result ? `. ${init.result}` : ""
        } (${init.method} ${init.url}). ${hintFor(init.status)}`,
      init.cause !== undefined ? { cause: init.cause } : undefined,
    );
    this.name = "ServerError";
    this.status = init.status;
    this.body = redactText(init.body);
    this.method = init.method;
    this.url = init.url;
    this.result = init.result;
  }

  /** Alias of {@linkcode ServerError.status}, the name the Python library uses. */
  get error_code(): number {
    return this.status;
  }
}

function hintFor(status: number): string {
  if (status === 429) return "The server is rate limiting: wait and try again later";
  if (status >= 500) return "The server failed: check its health and try again later";
  if (status === 403) return "The API token lacks the rights for this request";
  if (status === 409) return "The request conflicts with the server's state";
  if (status === 400) return "The server rejected the request: check its arguments";
  return "Check the request and the server";
}

/**
 * The server answered 404 for the object or route asked for.
 *
 * @example Tell a missing object apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { ObjectNotFoundError } from "@cbapi/cbapi/core";
 * const err = new ObjectNotFoundError({ status: 404, body: "", method: "GET", url: "https://cb.example/api/v1/sensor/7" });
 * assert.ok(err.uri.endsWith("/sensor/7"));
 * ```
 */
export class ObjectNotFoundError extends ServerError {
  /** Full URL that was not found. */
  readonly uri: string;

  /**
   * Builds the error.
   *
   * @param init The request and answer.
   * @param message Overrides the built message.
   */
  constructor(init: RequestErrorInit, message?: string) {
    const detail = clip(init.body);
    super(
      init,
      message ??
        `Received 404 (Object Not Found) for ${init.url}${detail ? `: ${detail}` : ""}. ` +
          `Check that the id is right and that the object still exists on this server`,
    );
    this.name = "ObjectNotFoundError";
    this.uri = init.url;
  }
}

/**
 * The server answered 401: the API token is wrong, expired or lacks the right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnauthorizedError } from "@cbapi/cbapi/core";
 * const err = new UnauthorizedError({ status: 401, body: "", method: "GET", url: "https://cb.example/api/info" });
 * assert.ok(err.action === "GET");
 * ```
 */
export class UnauthorizedError extends ServerError {
  /** Full URL of the refused request. */
  readonly uri: string;
  /** The method that was refused. */
  readonly action: string;

  /**
   * Builds the error.
   *
   * @param init The request and answer.
   * @param message Overrides the built message.
   */
  constructor(init: RequestErrorInit, message?: string) {
    const detail = clip(init.body);
    super(
      init,
      message ??
        `${detail || `Unauthorized: attempted to ${init.method} ${init.url}`}. ` +
          `Check the API token of this profile (run the configure command again if it changed)`,
    );
    this.name = "UnauthorizedError";
    this.uri = init.url;
    this.action = init.method;
  }
}

/**
 * `one()` found no result or more than one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MoreThanOneResultError } from "@cbapi/cbapi/core";
 * assert.ok(new MoreThanOneResultError("2 results").name === "MoreThanOneResultError");
 * ```
 */
export class MoreThanOneResultError extends ApiError {
  /** Number of results found, when known. */
  readonly count: number | undefined;

  /**
   * Builds the error.
   *
   * @param message What was asked and how many results came back.
   * @param count The number of results.
   */
  constructor(message: string, count?: number) {
    super(message);
    this.name = "MoreThanOneResultError";
    this.count = count;
  }
}

/**
 * An object is missing fields the server requires; nothing was sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidObjectError } from "@cbapi/cbapi/core";
 * const err = new InvalidObjectError("Missing fields: [name]", ["name"]);
 * assert.ok(err.fields[0] === "name");
 * ```
 */
export class InvalidObjectError extends ApiError {
  /** The missing fields. */
  readonly fields: readonly string[];

  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param fields The missing fields.
   */
  constructor(message: string, fields: readonly string[] = []) {
    super(message);
    this.name = "InvalidObjectError";
    this.fields = fields;
  }
}

/**
 * A value given as an MD5 hash is not 32 hexadecimal characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidHashError } from "@cbapi/cbapi/core";
 * assert.ok(new InvalidHashError("xyz").hash === "xyz");
 * ```
 */
export class InvalidHashError extends ApiError {
  /** The rejected value. */
  readonly hash: string;

  /**
   * Builds the error.
   *
   * @param hash The rejected value.
   */
  constructor(hash: string) {
    super(`MD5sum "${hash}" is not valid: give 32 hexadecimal characters`);
    this.name = "InvalidHashError";
    this.hash = hash;
  }
}

/** What a timeout knows of what timed out. */
export interface TimeoutErrorInit {
  /** Full URL that timed out, when a request did. */
  uri?: string;
  /** HTTP method of that request. */
  method?: string;
  /** The time limit in milliseconds. */
  timeoutMs?: number;
  /** HTTP status, when one was received. */
  status?: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A time limit set by this library or its caller's `timeoutMs` option ran out. A caller's own
 * `AbortSignal` is never turned into this error: its reason is rethrown as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TimeoutError } from "@cbapi/cbapi/core";
 * const err = new TimeoutError("timed out waiting for isolation to become active");
 * assert.ok(err instanceof TimeoutError);
 * ```
 */
export class TimeoutError extends ApiError {
  /** Full URL that timed out, if a request did. */
  readonly uri: string | undefined;
  /** HTTP status, when one was received. */
  readonly status: number | undefined;
  /** The limit that ran out, in milliseconds. */
  readonly timeoutMs: number | undefined;

  /**
   * Builds the error.
   *
   * @param message The explanation; built from `init` when empty.
   * @param init What timed out.
   */
  constructor(message: string | undefined, init: TimeoutErrorInit = {}) {
    super(
      message ??
        `Timed out when requesting ${init.method ? `${init.method} ` : ""}${init.uri} from API${
          init.status ? ` with HTTP status code ${init.status}` : ""
        }${
          init.timeoutMs !== undefined ? ` after ${init.timeoutMs} ms` : ""
        }. The server may be overloaded: raise the timeoutMs option or try again later`,
      init.cause !== undefined ? { cause: init.cause } : undefined,
    );
    this.name = "TimeoutError";
    this.uri = init.uri;
    this.status = init.status;
    this.timeoutMs = init.timeoutMs;
  }
}

/**
 * The credentials could not be found or are incomplete or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CredentialError } from "@cbapi/cbapi/core";
 * const err = new CredentialError("Cannot find credential profile 'x'", ["/etc/carbonblack/credentials.response"]);
 * assert.ok(err.files.length === 1);
 * ```
 */
export class CredentialError extends ApiError {
  /** The credential files that were searched. */
  readonly files: readonly string[];

  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param files The files searched.
   * @param options The cause, if any.
   */
  constructor(message: string, files: readonly string[] = [], options?: ApiErrorOptions) {
    super(message, options);
    this.name = "CredentialError";
    this.files = files;
  }
}

/**
 * The server could not be reached, the connection failed, the URL is not acceptable, or the TLS
 * handshake failed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConnectionError } from "@cbapi/cbapi/core";
 * assert.ok(new ConnectionError("no route").name === "ConnectionError");
 * ```
 */
export class ConnectionError extends ApiError {
  /** Full URL of the request, when a request failed. */
  readonly url: string | undefined;

  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param options The URL and the cause.
   */
  constructor(message: string, options: ApiErrorOptions & { url?: string } = {}) {
    super(message, options);
    this.name = "ConnectionError";
    this.url = options.url;
  }
}

/**
 * A Live Response command failed on the endpoint. Carries the Win32 error code and its name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LiveResponseError } from "@cbapi/cbapi/core";
 * const err = new LiveResponseError("get file failed", { win32Code: 0x80070002, description: "ERROR_FILE_NOT_FOUND" });
 * assert.ok(err.win32Code === 0x80070002);
 * ```
 */
export class LiveResponseError extends ApiError {
  /** The Win32/HRESULT code reported by the sensor, if any. */
  readonly win32Code: number | undefined;
  /** The code's symbolic name or the server's description. */
  readonly description: string;
  /** The failed command's details as the server sent them. */
  readonly details: Readonly<Record<string, unknown>>;

  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param init The code, description and raw details.
   */
  constructor(
    message: string,
    init:
      & { win32Code?: number; description?: string; details?: Record<string, unknown> }
      & ApiErrorOptions = {},
  ) {
    super(message, init);
    this.name = "LiveResponseError";
    this.win32Code = init.win32Code;
    this.description = init.description ?? "";
    this.details = init.details ?? {};
  }
}
