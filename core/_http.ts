// Helpers of the one request path: URL rules and bounded body reads (the error mapping is
// `ApiError.fromResponse` in errors.ts).

import { ConnectionError } from "./errors.ts";
import { hasUserInfo, redactUrl } from "./_secrets.ts";

/** Largest piece of an error body kept for messages. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Whether a host name is a loopback address (where plain HTTP is allowed).
 *
 * @param hostname A URL's host name.
 * @returns True for 127.0.0.0/8, ::1 and localhost.
 */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Checks and normalises a server base URL: https (or http on loopback), no path beyond `/`,
 * trailing slashes stripped.
 *
 * @param raw The configured URL.
 * @param where Where it came from, for the message.
 * @returns The base URL without trailing slash.
 * @throws {ConnectionError} When the URL is not acceptable.
 */
export function normaliseBaseUrl(raw: string, where: string): string {
  if (hasUserInfo(raw)) {
    throw new ConnectionError(
      `Server URL "${redactUrl(raw)}" from ${where} must not contain a user name or password: ` +
        `remove the "user:password@" part`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch (cause) {
    throw new ConnectionError(
      `Server URL "${
        redactUrl(raw)
      }" from ${where} is not a URL: give one such as https://cbserver.example.com`,
      { cause },
    );
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new ConnectionError(
      `Server URL "${
        redactUrl(raw)
      }" from ${where} must start with https:// (plain http is only allowed ` +
        `for loopback addresses such as the emulator): eg. https://localhost`,
    );
  }
  if (url.username || url.password) {
    throw new ConnectionError(
      `Server URL "${url.origin}" from ${where} must not contain a user name or password`,
    );
  }
  return raw.trim().replace(/\/+$/, "");
}

/**
 * Reads at most 64 KiB of a body as text, then cancels the rest.
 *
 * @param response The answer.
 * @returns The text read (empty when the body failed).
 */
export async function readErrorBody(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    await reader.cancel().catch(() => {});
  } catch {
    // A body that breaks off still yields what was read.
  } finally {
    reader.releaseLock();
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_ERROR_BODY));
}

/**
 * Reads a whole body as text, but at most `limit` bytes: past the limit the body is cancelled
 * (which closes the connection) and `tooLarge()` is thrown.
 *
 * @param response The answer.
 * @param limit The largest body accepted, in bytes.
 * @param tooLarge Builds the error thrown past the limit.
 * @returns The text.
 */
export async function readBoundedText(
  response: Response,
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  if (!response.body) return "";
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > limit) {
    await response.body.cancel().catch(() => {});
    throw tooLarge();
  }
  // A declared length within the limit bounds the body already (both transports read no more
  // than it), unless the body was decompressed on the way (the length is then the compressed
  // one): read it whole, without a stream step and a decode per chunk.
  if (declared <= limit && !response.headers.has("content-encoding")) return await response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
  parts.push(decoder.decode());
  return parts.join("");
}
