/**
 * The error tree of the library. Every error a caller is expected to catch extends
 * {@linkcode ApiError}; messages say what was asked, of which server, and what to do next, and
 * never contain the API token.
 *
 * Every class is built the same way, `new XError(message, { status, body, method, url, cause })`,
 * with the options a class does not need left out; subclasses only narrow (a
 * {@linkcode ServerError} always has a status, a {@linkcode NoResultError} never has one).
 * {@linkcode ApiError.fromResponse} maps an HTTP error answer to the right class.
 *
 * @example Map an answer to its class
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiError, ObjectNotFoundError, ServerError } from "@cbapi/cbapi/core";
 * const url = "https://cb.example/api/v1/sensor/7";
 * const missing = ApiError.fromResponse({ status: 404, body: "", method: "GET", url });
 * assert.ok(missing instanceof ObjectNotFoundError && missing.status === 404);
 * const failed = ApiError.fromResponse({ status: 500, body: "oops", method: "GET", url });
 * assert.ok(failed instanceof ServerError && failed.status === 500);
 * ```
 *
 * @module
 */

import { redactText } from "./_secrets.ts";

/**
 * What an error knows of the request it is about. Every error constructor of this module takes
 * these options (or a narrower set); leave out what does not apply.
 */
export interface ApiErrorOptions {
  /**
   * HTTP status of the server's answer; only when a server answered.
   *
   * @default undefined
   */
  status?: number;
  /**
   * Text of the answer's body (secret values are redacted when stored).
   *
   * @default undefined
   */
  body?: string;
  /**
   * HTTP method of the request.
   *
   * @default undefined
   */
  method?: string;
  /**
   * Full URL of the request (never contains the token).
   *
   * @default undefined
   */
  url?: string;
  /**
   * The underlying error, kept as `cause`. It must never hold the API token.
   *
   * @default undefined
   */
  cause?: unknown;
}

/** What {@linkcode ServerError} and {@linkcode ApiError.fromResponse} know of an answer. */
export interface ServerErrorOptions extends ApiErrorOptions {
  /** HTTP status of the answer. */
  status: number;
  /** Text of the answer's body (may be empty). */
  body: string;
  /** HTTP method of the request. */
  method: string;
  /** Full URL of the request. */
  url: string;
  /**
   * An extra sentence about what did not happen (for example `Did not update Sensor record.`).
   *
   * @default undefined
   */
  result?: string;
}

function clip(text: string, max = 500): string {
  // A server answer may echo a token or password: quote it redacted, never as sent.
  const t = redactText(text.trim());
  return t.length > max ? `${t.slice(0, max)}...` : t;
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
 * Base class of every error this library raises on purpose.
 *
 * @example Catch any library error
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiError, ConnectionError } from "@cbapi/cbapi/core";
 * const err: ApiError = new ConnectionError("Cannot reach https://cb.example: check the url", {
 *   url: "https://cb.example/api/info",
 * });
 * assert.ok(err instanceof ApiError && err.status === undefined);
 * ```
 */
export class ApiError extends Error {
  /** HTTP status of the server's answer, when a server answered. */
  readonly status: number | undefined;
  /** Body text of the answer, with the values of secret fields (tokens, passwords) redacted. */
  readonly body: string | undefined;
  /** HTTP method of the request, when the error is about one. */
  readonly method: string | undefined;
  /** Full URL of the request, when the error is about one. */
  readonly url: string | undefined;

  /**
   * Builds an error.
   *
   * @param message The text shown to users: what was asked, of which server, what to do next.
   * @param options The request and answer it is about, and the cause.
   */
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "ApiError";
    this.status = options.status;
    this.body = options.body === undefined ? undefined : redactText(options.body);
    this.method = options.method;
    this.url = options.url;
  }

  /**
   * The error for an HTTP error answer: 404 gives {@linkcode ObjectNotFoundError}, 401
   * {@linkcode UnauthorizedError}, any other status {@linkcode ServerError}, each with the
   * library's standard message (the Python library's text, the request, and what to do next).
   *
   * @param answer The status and body of the answer, and the request's method and URL.
   * @returns The error to throw.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ApiError, UnauthorizedError } from "@cbapi/cbapi/core";
   * const err = ApiError.fromResponse({ status: 401, body: "", method: "GET", url: "https://cb.example/api/info" });
   * assert.ok(err instanceof UnauthorizedError);
   * ```
   */
  static fromResponse(answer: ServerErrorOptions): ServerError | ObjectNotFoundError {
    const detail = clip(answer.body);
    if (answer.status === 404) {
      return new ObjectNotFoundError(
        `Received 404 (Object Not Found) for ${answer.url}${detail ? `: ${detail}` : ""}. ` +
          `Check that the id is right and that the object still exists on this server`,
        answer,
      );
    }
    if (answer.status === 401) {
      return new UnauthorizedError(
        `${detail || `Unauthorized: attempted to ${answer.method} ${answer.url}`}. ` +
          `Check the API token of this profile (run the configure command again if it changed)`,
        answer,
      );
    }
    return new ServerError(
      `Received error code ${answer.status} from API: ${
        detail || "(No further information provided)"
      }${answer.result ? `. ${answer.result}` : ""} (${answer.method} ${answer.url}). ${
        hintFor(answer.status)
      }`,
      answer,
    );
  }
}

/**
 * The server answered with an HTTP error status (other than 404), or with an answer that cannot
 * be understood.
 *
 * @example Inspect the status
 * ```ts
 * import assert from "node:assert/strict";
 * import { ServerError } from "@cbapi/cbapi/core";
 * const err = new ServerError("Cannot list sensors of https://cb.example: the server is busy", {
 *   status: 503,
 *   body: "busy",
 *   method: "GET",
 *   url: "https://cb.example/api/v1/sensor",
 * });
 * assert.ok(err.status === 503 && err.error_code === 503);
 * ```
 */
export class ServerError extends ApiError {
  /** HTTP status code of the answer (200 when the body of a 200 could not be used). */
  declare readonly status: number;
  /** Body text of the answer, with the values of secret fields (tokens, passwords) redacted. */
  declare readonly body: string;
  /** HTTP method of the request. */
  declare readonly method: string;
  /** Full URL of the request. */
  declare readonly url: string;
  /** Extra explanation of what did not happen, when the library adds one. */
  readonly result: string | undefined;

  /**
   * Builds the error.
   *
   * @param message What was asked of which server, and what to do next.
   * @param options The request and the answer.
   */
  constructor(message: string, options: ServerErrorOptions) {
    super(message, options);
    this.name = "ServerError";
    this.result = options.result;
  }

  /** Alias of {@linkcode ServerError.status}, the name the Python library uses. */
  get error_code(): number {
    return this.status;
  }
}

/**
 * The object asked for does not exist: the server answered 404 (then `status` is 404), or it
 * answered without the object, or the id was not valid so nothing was asked (then `status` is
 * undefined). A query's `one()` with no result throws the narrower {@linkcode NoResultError}.
 *
 * Like the Python library's, this error is not a {@linkcode ServerError}.
 *
 * @example Tell a missing object apart
 * ```ts
 * import assert from "node:assert/strict";
 * import { ObjectNotFoundError } from "@cbapi/cbapi/core";
 * const err = new ObjectNotFoundError("Cannot find sensor 7 on https://cb.example", {
 *   status: 404,
 *   method: "GET",
 *   url: "https://cb.example/api/v1/sensor/7",
 * });
 * assert.ok(err.uri?.endsWith("/sensor/7"));
 * ```
 */
export class ObjectNotFoundError extends ApiError {
  /**
   * Builds the error.
   *
   * @param message What was looked for, on which server, and what to do next.
   * @param options The request and answer, when there was one.
   */
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, options);
    this.name = "ObjectNotFoundError";
  }

  /** Alias of {@linkcode ApiError.url}, the name the Python library uses. */
  get uri(): string | undefined {
    return this.url;
  }
}

/** What {@linkcode NoResultError} knows. */
export interface NoResultErrorOptions {
  /**
   * The query that found nothing, as `describe()` gives it.
   *
   * @default undefined
   */
  query?: string;
  /**
   * The underlying error.
   *
   * @default undefined
   */
  cause?: unknown;
}

/**
 * A query's `one()` found no result. No HTTP error came back (the search answered with zero
 * rows), so `status` is undefined; it is an {@linkcode ObjectNotFoundError}, so code that catches
 * a missing object catches it too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NoResultError, ObjectNotFoundError } from "@cbapi/cbapi/core";
 * const err = new NoResultError("0 results for query Sensor on https://cb.example", {
 *   query: "Sensor on https://cb.example",
 * });
 * assert.ok(err instanceof ObjectNotFoundError && err.status === undefined);
 * ```
 */
export class NoResultError extends ObjectNotFoundError {
  /** No server answered with an error: always undefined. */
  declare readonly status: undefined;
  /** The query that found nothing. */
  readonly query: string | undefined;

  /**
   * Builds the error.
   *
   * @param message Which query on which server, and what to do next.
   * @param options The query and the cause.
   */
  constructor(message: string, options: NoResultErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : {});
    this.name = "NoResultError";
    this.query = options.query;
  }
}

/**
 * The server answered 401: the API token is wrong, expired or lacks the right.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnauthorizedError } from "@cbapi/cbapi/core";
 * const err = new UnauthorizedError("Invalid API token for server https://cb.example", {
 *   status: 401,
 *   body: "",
 *   method: "GET",
 *   url: "https://cb.example/api/info",
 * });
 * assert.ok(err.action === "GET");
 * ```
 */
export class UnauthorizedError extends ServerError {
  /**
   * Builds the error.
   *
   * @param message What was refused, by which server, and what to do next.
   * @param options The request and the answer.
   */
  constructor(message: string, options: ServerErrorOptions) {
    super(message, options);
    this.name = "UnauthorizedError";
  }

  /** Full URL of the refused request (alias of {@linkcode ServerError.url}). */
  get uri(): string {
    return this.url;
  }

  /** The method that was refused (alias of {@linkcode ServerError.method}). */
  get action(): string {
    return this.method;
  }
}

/** What {@linkcode MoreThanOneResultError} knows. */
export interface MoreThanOneResultErrorOptions {
  /**
   * Number of results found, when known.
   *
   * @default undefined
   */
  count?: number;
  /**
   * The query, as `describe()` gives it.
   *
   * @default undefined
   */
  query?: string;
  /**
   * The underlying error.
   *
   * @default undefined
   */
  cause?: unknown;
}

/**
 * A query's `one()` found more than one result.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MoreThanOneResultError } from "@cbapi/cbapi/core";
 * const err = new MoreThanOneResultError("2 results found for query Sensor", { count: 2 });
 * assert.ok(err.count === 2);
 * ```
 */
export class MoreThanOneResultError extends ApiError {
  /** Number of results found, when known. */
  readonly count: number | undefined;
  /** The query that found several. */
  readonly query: string | undefined;

  /**
   * Builds the error.
   *
   * @param message What was asked and how many results came back.
   * @param options The count, the query and the cause.
   */
  constructor(message: string, options: MoreThanOneResultErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : {});
    this.name = "MoreThanOneResultError";
    this.count = options.count;
    this.query = options.query;
  }
}

/** What {@linkcode InvalidObjectError} knows. */
export interface InvalidObjectErrorOptions extends ApiErrorOptions {
  /**
   * The missing or invalid fields.
   *
   * @default []
   */
  fields?: readonly string[];
}

/**
 * An object is missing fields the server requires, or holds values it cannot send; nothing was
 * sent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidObjectError } from "@cbapi/cbapi/core";
 * const err = new InvalidObjectError("Missing fields: [name]", { fields: ["name"] });
 * assert.ok(err.fields[0] === "name");
 * ```
 */
export class InvalidObjectError extends ApiError {
  /** The missing or invalid fields. */
  readonly fields: readonly string[];

  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param options The fields, and the request when there was one.
   */
  constructor(message: string, options: InvalidObjectErrorOptions = {}) {
    super(message, options);
    this.name = "InvalidObjectError";
    this.fields = options.fields ?? [];
  }
}

/** What {@linkcode InvalidHashError} knows. */
export interface InvalidHashErrorOptions extends ApiErrorOptions {
  /** The rejected value. */
  hash: string;
}

/**
 * A value given as an MD5 hash is not 32 hexadecimal characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InvalidHashError } from "@cbapi/cbapi/core";
 * const err = new InvalidHashError('MD5sum "xyz" is not valid', { hash: "xyz" });
 * assert.ok(err.hash === "xyz");
 * ```
 */
export class InvalidHashError extends ApiError {
  /** The rejected value. */
  readonly hash: string;

  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param options The rejected value.
   */
  constructor(message: string, options: InvalidHashErrorOptions) {
    super(message, options);
    this.name = "InvalidHashError";
    this.hash = options.hash;
  }
}

/** What {@linkcode TimeoutError} knows. */
export interface TimeoutErrorOptions extends ApiErrorOptions {
  /**
   * The time limit that ran out, in milliseconds.
   *
   * @default undefined
   */
  timeoutMs?: number;
}

/**
 * A time limit set by this library or its caller's `timeout` option ran out. A caller's own
 * `AbortSignal` is never turned into this error: its reason is rethrown as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TimeoutError } from "@cbapi/cbapi/core";
 * const err = new TimeoutError("Timed out waiting for isolation to become active", { timeoutMs: 30_000 });
 * assert.ok(err instanceof TimeoutError && err.timeoutMs === 30_000);
 * ```
 */
export class TimeoutError extends ApiError {
  /** The limit that ran out, in milliseconds. */
  readonly timeoutMs: number | undefined;

  /**
   * Builds the error.
   *
   * @param message What timed out, on which server, and what to do next.
   * @param options The request, the limit and the cause.
   */
  constructor(message: string, options: TimeoutErrorOptions = {}) {
    super(message, options);
    this.name = "TimeoutError";
    this.timeoutMs = options.timeoutMs;
  }

  /** Alias of {@linkcode ApiError.url}, the name the Python library uses. */
  get uri(): string | undefined {
    return this.url;
  }
}

/** What {@linkcode CredentialError} knows. */
export interface CredentialErrorOptions extends ApiErrorOptions {
  /**
   * The credential files that were searched.
   *
   * @default []
   */
  files?: readonly string[];
}

/**
 * The credentials could not be found or are incomplete or malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CredentialError } from "@cbapi/cbapi/core";
 * const err = new CredentialError("Cannot find credential profile 'x'", {
 *   files: ["/etc/carbonblack/credentials.response"],
 * });
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
   * @param options The files searched and the cause.
   */
  constructor(message: string, options: CredentialErrorOptions = {}) {
    super(message, options);
    this.name = "CredentialError";
    this.files = options.files ?? [];
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
  /**
   * Builds the error.
   *
   * @param message The explanation.
   * @param options The request (a status only when a proxy answered) and the cause.
   */
  constructor(message: string, options: ApiErrorOptions = {}) {
    super(message, options);
    this.name = "ConnectionError";
  }
}

/** What {@linkcode LiveResponseError} knows. */
export interface LiveResponseErrorOptions extends ApiErrorOptions {
  /**
   * The Win32/HRESULT code reported by the sensor.
   *
   * @default undefined
   */
  win32Code?: number;
  /**
   * The code's symbolic name or the server's description.
   *
   * @default ""
   */
  description?: string;
  /**
   * The failed command's details as the server sent them.
   *
   * @default {}
   */
  details?: Record<string, unknown>;
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
   * @param options The code, description, raw details, the request and the cause.
   */
  constructor(message: string, options: LiveResponseErrorOptions = {}) {
    super(message, options);
    this.name = "LiveResponseError";
    this.win32Code = options.win32Code;
    this.description = options.description ?? "";
    this.details = options.details ?? {};
  }
}
