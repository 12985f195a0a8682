/**
 * {@linkcode LiveResponseMemdump}: a memory dump running on an endpoint.
 *
 * @example Dump, fetch and delete
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * await using session = await (await cb.select(Sensor, 3)).lrSession({ pollIntervalMs: 5 });
 * const dump = await session.startMemdump();
 * const chunks: Uint8Array[] = [];
 * await dump.get(new WritableStream({ write: (c) => void chunks.push(c) }), { pollIntervalMs: 5 });
 * await dump.delete();
 * assert.ok(chunks.length > 0);
 * ```
 *
 * @module
 */

import type { CommandOptions, LiveResponseSession } from "./session.ts";

/** Options of {@linkcode LiveResponseSession.startMemdump} and `memdump`. */
export interface MemdumpOptions extends CommandOptions {
  /**
   * Where the endpoint writes the dump; a temporary name when absent.
   *
   * @default undefined
   */
  remoteFilename?: string;
  /**
   * Compress the dump (then the file fetched is `{remoteFilename}.zip`).
   *
   * @default true for startMemdump, false for memdump
   */
  compress?: boolean;
}

/**
 * A memory dump started on an endpoint: wait for it, copy it out, delete it. Waits poll every 5 s
 * for up to an hour unless `timeoutMs`/`pollIntervalMs` say otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * await using session = await cb.liveResponse.requestSession(3, { pollIntervalMs: 5 });
 * const dump = await session.startMemdump({ compress: false });
 * await dump.wait({ pollIntervalMs: 5 });
 * assert.ok(dump.remoteFilename.endsWith(".tmp"));
 * await dump.delete();
 * ```
 */
export class LiveResponseMemdump {
  /** The session the dump runs in. */
  readonly session: LiveResponseSession;
  /** The file to fetch (with `.zip` when compressed). */
  readonly remoteFilename: string;
  /** Whether the dump is compressed. */
  readonly compress: boolean;
  /** The `memdump` command id. */
  readonly commandId: number;
  #done = false;

  private constructor(
    session: LiveResponseSession,
    remoteFilename: string,
    compress: boolean,
    commandId: number,
  ) {
    this.session = session;
    this.remoteFilename = remoteFilename;
    this.compress = compress;
    this.commandId = commandId;
  }

  /**
   * Posts the `memdump` command.
   *
   * @param session The session.
   * @param options Remote name, compression, signal.
   * @returns The handle.
   * @throws {ApiError} When the sensor does not support `memdump`.
   */
  static async start(
    session: LiveResponseSession,
    options: MemdumpOptions = {},
  ): Promise<LiveResponseMemdump> {
    const { remoteFilename, compress = true, ...request } = options;
    const remote = remoteFilename || session.temporaryFileName();
    const posted = await session.postCommand("memdump", { object: remote, compress }, request);
    return new LiveResponseMemdump(
      session,
      compress ? `${remote}.zip` : remote,
      compress,
      posted.id,
    );
  }

  /** Whether {@linkcode LiveResponseMemdump.wait} saw the dump complete. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Waits for the dump to complete.
   *
   * @param options Timeout (default 1 hour), poll interval (default 5 s), signal.
   * @throws {LiveResponseError} When the dump failed.
   * @throws {TimeoutError} When it did not complete in time.
   */
  async wait(options: CommandOptions = {}): Promise<void> {
    if (this.#done) return;
    await this.session.waitCommand(this.commandId, "memdump", longWait(options));
    this.#done = true;
  }

  /**
   * Waits if needed, then streams the dump file into `destination` (which is closed at the end).
   *
   * @param destination Where to write.
   * @param options Timeout, poll interval, signal.
   */
  async get(destination: WritableStream<Uint8Array>, options: CommandOptions = {}): Promise<void> {
    await this.wait(options);
    const stream = await this.session.getRawFile(this.remoteFilename, longWait(options));
    await stream.pipeTo(destination, options.signal ? { signal: options.signal } : {});
  }

  /**
   * Deletes the dump file on the endpoint.
   *
   * @param options Timeout, poll interval, signal.
   */
  async delete(options: CommandOptions = {}): Promise<void> {
    await this.session.deleteFile(this.remoteFilename, options);
  }
}

function longWait(options: CommandOptions): CommandOptions {
  return {
    ...options,
    timeoutMs: options.timeoutMs || 3_600_000,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
  };
}
