/**
 * Private helpers of the Protection models: joins through the cache and ZIP downloads whose
 * first member is streamed.
 *
 * @module
 */

import {
  join,
  type JoinSpec,
  type JoinTarget,
  type Model,
  type ModelApi,
  ObjectNotFoundError,
  type RequestOptions,
} from "../core/mod.ts";
import { openZipMember } from "../core/_internal.ts";

const LOCAL_HEADER = 0x04034b50;
const HEADER_SIZE = 30;

/**
 * Foreign-key values that name no object in Protection documents (`0`; the Python library would
 * return an unfiltered query for some models: not copied).
 */
export const NO_OBJECT: readonly unknown[] = [0];

/**
 * A Protection join: the object whose id is in `key`, where `0` names none.
 *
 * @param target The model loaded (a function returning it for a class imported in a cycle).
 * @param key The field holding the id.
 * @returns The join's declaration.
 */
export function joinOn<M extends Model>(
  target: JoinTarget<M> | (() => JoinTarget<M>),
  key: string,
): JoinSpec<M> {
  return join(target, key, { none: NO_OBJECT });
}

/**
 * Downloads `{path}?downloadFile=true` and streams the archive's first member (the Python
 * library opens `filelist[0]`).
 *
 * @param api The model's API.
 * @param path The object's path.
 * @param options Signal and timeout.
 * @returns The member's bytes, streamed.
 * @throws {ObjectNotFoundError} When the server sent no content.
 */
export async function downloadFirstMember(
  api: ModelApi,
  path: string,
  options: RequestOptions,
): Promise<ReadableStream<Uint8Array>> {
  const res = await api.connection.request("GET", path, {
    ...options,
    query: [["downloadFile", "true"]],
  });
  if (!res.body) {
    throw new ObjectNotFoundError(
      `Server ${api.url} sent no file for ${path}: the file may not be uploaded yet`,
      { method: "GET", url: `${api.url}${path}` },
    );
  }
  const reader = res.body.getReader();
  let name: string;
  let head: Uint8Array;
  try {
    [name, head] = await readFirstName(reader);
  } catch (err) {
    await reader.cancel(err).catch(() => {});
    throw err;
  }
  const replay = prepend(head, reader);
  return await openZipMember(replay, name, options.signal ? { signal: options.signal } : {});
}

async function readFirstName(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<[string, Uint8Array]> {
  let buf = new Uint8Array(0);
  const need = async (n: number) => {
    while (buf.length < n) {
      const { done, value } = await reader.read();
      if (done) {
        throw new Error(`Cannot read the downloaded ZIP: it ends after ${buf.length} bytes`);
      }
      const next = new Uint8Array(buf.length + value.length);
      next.set(buf);
      next.set(value, buf.length);
      buf = next;
    }
  };
  await need(HEADER_SIZE);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0, true) !== LOCAL_HEADER) {
    throw new Error("Cannot read the downloaded file: it is not a ZIP archive (or it is empty)");
  }
  const nameLength = view.getUint16(26, true);
  await need(HEADER_SIZE + nameLength);
  const name = new TextDecoder().decode(buf.subarray(HEADER_SIZE, HEADER_SIZE + nameLength));
  return [name, buf];
}

function prepend(
  head: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let first: Uint8Array | undefined = head;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        controller.enqueue(first);
        first = undefined;
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * Replaces the values of secret fields in a model display (both the schema and legacy forms).
 *
 * @param text The display.
 * @param keys The secret field names.
 * @returns The display with those values redacted.
 */
export function redactDisplay(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) {
    const schema = new RegExp(`^(.{3} +${key}: )(?!None$).+$`, "gm");
    const legacy = new RegExp(`^(${key} *: )(?!None$).+$`, "gm");
    out = out.replace(schema, "$1[redacted]").replace(legacy, "$1[redacted]");
  }
  return out;
}
