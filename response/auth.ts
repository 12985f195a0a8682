/**
 * Looks up a Cb Response user's API token with the user name and password
 * ({@linkcode getApiToken}): `GET /api/auth` with HTTP Digest authentication (RFC 2617 and
 * RFC 7616: MD5, MD5-sess, SHA-256, SHA-256-sess; `qop=auth` or none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getApiToken } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * const token = await getApiToken(emu.url, "admin", "cbisawesome");
 * assert.ok(token === emu.token);
 * ```
 *
 * @module
 */

import type * as NodeCrypto from "node:crypto";
import { ApiError, ConnectionError, CredentialError } from "../core/mod.ts";
import {
  createTransport,
  normaliseBaseUrl,
  readErrorBody,
  readPinnedCertificates,
  redactText,
  type Transport,
} from "../core/_internal.ts";

/** Options of {@linkcode getApiToken}. */
export interface GetApiTokenOptions {
  /**
   * Aborts the look-up; its reason is rethrown unchanged.
   *
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * A PEM file with the server's certificate (or its CA), pinned for this look-up.
   *
   * @default undefined (the system's trust store)
   */
  sslCertFile?: string;
  /**
   * Check that the server's certificate names the host of `url` (`ssl_verify_hostname`). False
   * still verifies the chain (against `sslCertFile` when given): for a server whose certificate
   * names another host, such as the `CN=localhost` one a Cb Response server makes at install.
   *
   * @default true
   */
  sslVerifyHostname?: boolean;
}

/**
 * Asks a Cb Response server for the API token of a user (the Python `get_api_token`): one
 * unauthenticated `GET {url}/api/auth` to receive the Digest challenge, then the same request
 * with the Digest answer. No API token is sent, nothing is retried.
 *
 * @param url The server's base URL (`https://`, or `http://` for loopback only).
 * @param username The user name.
 * @param password The user's password.
 * @param options Signal, pinned certificate and host-name check.
 * @returns The user's API token.
 * @throws {CredentialError} When the server refuses the user name or password.
 * @throws {ApiError} When the server's answer holds no `auth_token`.
 * @throws {ConnectionError} When the server cannot be reached or the URL is not acceptable.
 * @throws {CredentialError} When the certificate file cannot be read or holds no valid certificate.
 *
 * @example Log in as the emulator's admin
 * ```ts
 * import { getApiToken } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start({ tls: true });
 * const token = await getApiToken(emu.url, "admin", "cbisawesome", { sslCertFile: emu.certFile! });
 * assert.equal(token, emu.token);
 * ```
 */
export async function getApiToken(
  url: string,
  username: string,
  password: string,
  options: GetApiTokenOptions = {},
): Promise<string> {
  const { signal } = options;
  signal?.throwIfAborted();
  const base = normaliseBaseUrl(url, "getApiToken()");
  const target = `${base}/api/auth`;
  // A true pin (only that certificate is trusted), as for every request of the library.
  const ca = options.sslCertFile
    ? await readPinnedCertificates(options.sslCertFile, "getApiToken() (sslCertFile option)")
    : undefined;
  const client = createTransport({
    tls: {
      ...(ca ? { ca } : {}),
      verify: true,
      verifyHostname: options.sslVerifyHostname ?? true,
      forceTls12: false,
    },
    proxy: undefined,
    envProxyIgnored: false,
    poolConnections: 1,
  });
  try {
    const first = await send(target, base, undefined, client, signal);
    let answer = first;
    if (first.status === 401) {
      const challenge = first.headers.get("www-authenticate") ?? "";
      await first.body?.cancel();
      loadedCrypto ??= await import("node:crypto");
      const header = digestAuthorization(challenge, {
        method: "GET",
        uri: new URL(target).pathname,
        username,
        password,
      });
      if (header === undefined) {
        throw new CredentialError(
          `Invalid credentials: ${base} did not offer HTTP Digest authentication on /api/auth ` +
            `(WWW-Authenticate: "${challenge.slice(0, 100)}"). Get the API token from the ` +
            `user's profile page instead`,
        );
      }
      answer = await send(target, base, header, client, signal);
    }
    if (answer.status !== 200) {
      const body = await readErrorBody(answer);
      throw new CredentialError(
        `Invalid credentials: ${
          redactText(body).slice(0, 200) || `status ${answer.status}`
        } (user ` +
          `"${username}" on ${base}). Check the user name and password`,
      );
    }
    const text = await answer.text();
    let token: unknown;
    try {
      token = (JSON.parse(text) as { auth_token?: unknown })?.auth_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || !HEADER_SAFE_REGEXP.test(token)) {
      // The answer may hold the token, malformed or not: describe it, never quote it.
      throw new ApiError(
        `Error retrieving auth_token: ${describeAuthAnswer(text, token)} (GET ${target}). The ` +
          `server did not answer like a Cb Response server: check the URL`,
      );
    }
    return token;
  } finally {
    client.close();
  }
}

/** What a token may look like: visible ASCII, one line. */
const HEADER_SAFE_REGEXP = /^[\x21-\x7e]+$/;

function describeAuthAnswer(text: string, token: unknown): string {
  if (token === undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return `the answer is not JSON (${text.length} characters, not shown as it may hold the token)`;
    }
    const keys = parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? Object.keys(parsed).slice(0, 10).map((k) => JSON.stringify(k.slice(0, 40))).join(", ")
      : undefined;
    return `the JSON answer has no auth_token field (${
      keys === undefined ? "it is not an object" : `fields: ${keys || "none"}`
    })`;
  }
  if (typeof token !== "string") return `its auth_token is a ${typeof token}, not a string`;
  return token === ""
    ? "its auth_token is empty"
    : `its auth_token (${token.length} characters, not shown) holds characters that cannot be ` +
      `sent in an HTTP header`;
}

async function send(
  target: string,
  base: string,
  authorization: string | undefined,
  client: Transport,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization) headers.Authorization = authorization;
  try {
    return await client.send(target, {
      method: "GET",
      headers,
      signal: signal ?? new AbortController().signal,
      fresh: false,
    });
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    throw new ConnectionError(
      `Received a network connection error from ${base} for GET ${target}: ${
        cause instanceof Error ? cause.message : String(cause)
      }. Check that the server is up and reachable, then try again`,
      { url: target, cause },
    );
  }
}

// node:crypto (MD5 for Digest) is loaded by the first look-up that needs it, so that a script
// importing the Response module does not pay for it at start-up.
let loadedCrypto: typeof NodeCrypto | undefined;

function nodeCrypto(): typeof NodeCrypto {
  if (!loadedCrypto) throw new Error("node:crypto is loaded before a Digest answer is computed");
  return loadedCrypto;
}

/** What a Digest answer is computed from. */
interface DigestInput {
  method: string;
  uri: string;
  username: string;
  password: string;
  cnonce?: string;
}

/**
 * The `Authorization` header answering a Digest challenge (RFC 2617 / RFC 7616), or undefined
 * when the challenge is not a Digest challenge with a supported algorithm.
 *
 * @param challenge The `WWW-Authenticate` header.
 * @param input Method, request URI, user name, password (and a fixed cnonce for tests).
 * @returns The header value.
 */
function digestAuthorization(challenge: string, input: DigestInput): string | undefined {
  const at = challenge.search(/digest\s/i);
  if (at < 0) return undefined;
  const p: Record<string, string> = {};
  for (
    const m of challenge.slice(at + 7).matchAll(
      /([a-zA-Z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g,
    )
  ) {
    p[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1");
  }
  if (!p.nonce || p.realm === undefined) return undefined;
  const algorithm = (p.algorithm ?? "MD5").toUpperCase();
  const hashName = algorithm.startsWith("SHA-256")
    ? "sha256"
    : algorithm.startsWith("MD5")
    ? "md5"
    : undefined;
  if (!hashName) return undefined;
  const { createHash, randomBytes } = nodeCrypto();
  const h = (s: string) => createHash(hashName).update(s, "utf8").digest("hex");
  const qops = (p.qop ?? "").split(",").map((q) => q.trim().toLowerCase());
  const qop = qops.includes("auth") ? "auth" : undefined;
  if (p.qop !== undefined && !qop) return undefined;
  const cnonce = input.cnonce ?? randomBytes(8).toString("hex");
  const nc = "00000001";
  let ha1 = h(`${input.username}:${p.realm}:${input.password}`);
  if (algorithm.endsWith("-SESS")) ha1 = h(`${ha1}:${p.nonce}:${cnonce}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  const response = qop
    ? h(`${ha1}:${p.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(`${ha1}:${p.nonce}:${ha2}`);
  const quote = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  const parts = [
    `username="${quote(input.username)}"`,
    `realm="${quote(p.realm)}"`,
    `nonce="${quote(p.nonce)}"`,
    `uri="${quote(input.uri)}"`,
    `response="${response}"`,
  ];
  if (p.opaque !== undefined) parts.push(`opaque="${quote(p.opaque)}"`);
  if (p.algorithm !== undefined) parts.push(`algorithm=${p.algorithm}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(", ")}`;
}
