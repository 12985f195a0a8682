/**
 * The requests behind `LiveResponseSession`: posting a command (re-establishing a
 * vanished session), uploading a file, opening a download, and the endpoint's path rules.
 *
 * @module
 */

import { ApiError, ObjectNotFoundError, TimeoutError } from "../core/mod.ts";
import { multipartBody, type UploadData } from "./_multipart.ts";
import { basePath, type CommandDocument, sessionGone, type SharedSession } from "./_protocol.ts";
import type { SessionHost } from "./session.ts";
import { redactText } from "../core/_internal.ts";

const MAX_POSTS = 5;

/**
 * Posts a command (`POST {base}/session/{sid}/command`); a 404 saying the session or sensor
 * vanished re-establishes the session and posts again, at most 5 posts.
 *
 * @param host The manager side.
 * @param shared The server session.
 * @param name The command name.
 * @param fields Further fields.
 * @param signal The combined signal.
 * @returns The pending command document.
 * @throws {ApiError} On a 404 of another kind or an answer without an id.
 * @throws {TimeoutError} After 5 posts that all found the session gone.
 */
export async function postSessionCommand(
  host: SessionHost,
  shared: SharedSession,
  name: string,
  fields: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<CommandDocument> {
  const conn = host.connection;
  for (let post = 1; post <= MAX_POSTS; post++) {
    const path = `${basePath(shared.flavour)}/session/${shared.id}/command`;
    try {
      const res = await conn.requestJson<CommandDocument>("POST", path, {
        json: { ...fields, name, session_id: shared.id },
        idempotent: false,
        ...(signal ? { signal } : {}),
      });
      if (typeof res.data?.id !== "number") {
        throw new ApiError(
          `Server ${conn.url} answered command "${name}" without an id: ${
            redactText(res.text).slice(0, 200)
          }`,
        );
      }
      return res.data;
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
      const body = err.body ?? "";
      if (!sessionGone(body)) {
        throw new ApiError(
          `Received 404 error from server: ${body.trim()} (POST ${path} on ${conn.url}). ` +
            `Check that Live Response is enabled on this server`,
          { cause: err },
        );
      }
      await host.reestablish(shared, signal);
    }
  }
  throw new TimeoutError(
    `Command ${name} failed after ${MAX_POSTS} retries: sensor ${shared.sensorId} of ${conn.url} ` +
      `kept losing its Live Response session. Check that the sensor is online`,
  );
}

/**
 * Uploads data (`POST {base}/session/{sid}/file`, multipart part `file`).
 *
 * @param host The manager side.
 * @param shared The server session.
 * @param data The data.
 * @param signal The combined signal.
 * @returns The server's file id.
 * @throws {ApiError} When the answer has no file id.
 */
export async function uploadSessionFile(
  host: SessionHost,
  shared: SharedSession,
  data: UploadData,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { body, contentType } = multipartBody(data);
  const conn = host.connection;
  const res = await conn.requestJson<{ id?: number }>(
    "POST",
    `${basePath(shared.flavour)}/session/${shared.id}/file`,
    {
      body,
      headers: { "Content-Type": contentType },
      idempotent: false,
      ...(signal ? { signal } : {}),
    },
  );
  if (typeof res.data?.id !== "number") {
    throw new ApiError(
      `Server ${conn.url} answered the upload without a file id: ${
        redactText(res.text).slice(0, 200)
      }`,
    );
  }
  return res.data.id;
}

/**
 * Opens a download of the session (`GET {base}/session/{sid}/{suffix}`) as a stream.
 *
 * @param host The manager side.
 * @param shared The server session.
 * @param suffix `file/{id}/content` or `archive`.
 * @param signal The combined signal.
 * @returns The body (empty when the server sent none).
 */
export async function openSessionDownload(
  host: SessionHost,
  shared: SharedSession,
  suffix: string,
  signal: AbortSignal | undefined,
): Promise<ReadableStream<Uint8Array>> {
  const res = await host.connection.request(
    "GET",
    `${basePath(shared.flavour)}/session/${shared.id}/${suffix}`,
    signal ? { signal } : {},
  );
  return res.body ?? new ReadableStream({ start: (c) => c.close() });
}

/**
 * Joins path parts with the endpoint's separator (see `LiveResponseSession.pathJoin`).
 *
 * @param osType The endpoint's os type (1 = Windows).
 * @param parts Path parts.
 * @returns The joined path.
 */
export function joinEndpointPath(osType: number | undefined, parts: readonly string[]): string {
  const sep = osType === 1 ? "\\" : "/";
  let out = "";
  for (const part of parts) {
    if (part === "") continue;
    const absolute = sep === "\\" ? /^[A-Za-z]:|^\\/.test(part) : part.startsWith("/");
    if (out === "" || absolute) out = part;
    else {
      out = out.endsWith(sep) || (sep === "\\" && out.endsWith("/"))
        ? out + part
        : out + sep + part;
    }
  }
  return out;
}

/**
 * A fresh temporary file name (`cblr.{12 letters or digits}.tmp`).
 *
 * @returns The name.
 */
export function temporaryName(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `cblr.${Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("")}.tmp`;
}
