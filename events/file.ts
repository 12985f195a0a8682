/**
 * `FileEventSource`: replays a file of JSON lines (as the Cb event forwarder writes them), then
 * follows the lines appended to it, routing each line by its `type` field.
 *
 * @module
 */

import { ConnectionError } from "../core/mod.ts";
import type { EventApi } from "./registry.ts";
import { EventSource, type EventSourceOptions } from "./source.ts";
import { errorText, pause } from "./_util.ts";
import { checkTimeUnits } from "../core/_internal.ts";

/** Options of {@linkcode FileEventSource}. */
export interface FileEventSourceOptions extends EventSourceOptions {
  /**
   * Milliseconds between looks for appended lines once the end of the file is reached.
   *
   * @default {1000}
   */
  pollIntervalMs?: number;
}

const CHUNK_SIZE = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads a JSON-lines event file from the start and then follows it (`tail -f`). Each line is
 * dispatched by its `type`; a line that is not a JSON object with a `type` goes to the error
 * registry with its text and the source moves on. When the file shrinks (rotated by truncation)
 * it is read again from the start.
 *
 * @typeParam A The API type handed to callbacks.
 *
 * @example Handle watchlist hits written to a file
 * ```ts
 * import { EventRegistry, FileEventSource } from "@cbapi/cbapi/events";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const file = await Deno.makeTempFile();
 * const registry = new EventRegistry();
 * const seen = Promise.withResolvers<string>();
 * registry.on("watchlist.hit.process", (_cb, _type, data) => seen.resolve(String(data.watchlist_name)));
 * await using source = new FileEventSource(cb, file, { registry, pollIntervalMs: 5 });
 * await source.start();
 * await Deno.writeTextFile(file, '{"type":"watchlist.hit.process","watchlist_name":"net.exe"}\n', { append: true });
 * assert.equal(await seen.promise, "net.exe");
 * await source.close();
 * await Deno.remove(file);
 * ```
 */
export class FileEventSource<A extends EventApi = EventApi> extends EventSource<A> {
  /** Always `"file"`. */
  readonly kind = "file" as const;
  /** The followed file. */
  readonly path: string;
  #pollInterval: number;
  #file: Deno.FsFile | undefined;
  #loop: Promise<void> | undefined;

  /**
   * Builds the source (nothing is opened until {@linkcode FileEventSource.start}).
   *
   * @param api The API object passed to callbacks.
   * @param path The JSON-lines file.
   * @param options Registry and poll interval.
   * @throws {RangeError} When the poll interval is negative.
   */
  constructor(api: A, path: string, options: FileEventSourceOptions = {}) {
    super(api, options);
    this.path = path;
    checkTimeUnits(options, "JsonLinesFileSource");
    this.#pollInterval = options.pollIntervalMs ?? 1000;
    if (!(this.#pollInterval >= 0)) {
      throw new RangeError(`Cannot poll "${path}" every ${this.#pollInterval} ms: use 0 or more`);
    }
  }

  /** Whether the file is being followed. */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /**
   * Opens the file and starts following it in the background.
   *
   * @param options A signal checked before opening.
   * @returns When the file is open.
   * @throws {ConnectionError} When the file cannot be opened.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#loop) return;
    this.resetStop();
    try {
      this.#file = await Deno.open(this.path, { read: true });
    } catch (cause) {
      throw new ConnectionError(
        `Cannot open event file "${this.path}": ${errorText(cause)}. Check the path and that ` +
          `the script may read it (--allow-read)`,
        { cause },
      );
    }
    this.#loop = this.#follow(this.#file);
  }

  /**
   * Stops following and closes the file.
   *
   * @returns When the file is closed.
   */
  async close(): Promise<void> {
    this.stopAll();
    const loop = this.#loop;
    this.#loop = undefined;
    await loop;
  }

  async #follow(file: Deno.FsFile): Promise<void> {
    const stop = this.stopSignal;
    const buf = new Uint8Array(CHUNK_SIZE);
    let pending: Uint8Array<ArrayBuffer> = new Uint8Array(0);
    let position = 0;
    try {
      while (!stop.aborted) {
        const n = await file.read(buf);
        if (n === null || n === 0) {
          const size = (await file.stat()).size;
          if (size < position) { // truncated: start again
            await file.seek(0, Deno.SeekMode.Start);
            position = 0;
            pending = new Uint8Array(0);
            continue;
          }
          await pause(this.#pollInterval, stop);
          continue;
        }
        position += n;
        pending = concat(pending, buf.subarray(0, n));
        let start = 0;
        for (let i = pending.indexOf(NEWLINE); i !== -1; i = pending.indexOf(NEWLINE, start)) {
          const line = trimLine(pending.subarray(start, i));
          start = i + 1;
          if (line.byteLength > 0) {
            await this.handle({ raw: line.slice(), format: "json" });
          }
          if (stop.aborted) return;
        }
        pending = pending.slice(start);
      }
    } finally {
      file.close();
      if (this.#file === file) this.#file = undefined;
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  if (a.byteLength === 0) return b.slice();
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

function trimLine(line: Uint8Array): Uint8Array {
  let end = line.byteLength;
  while (end > 0 && (line[end - 1] === 0x0d || line[end - 1] === 0x20)) end--;
  return line.subarray(0, end);
}
