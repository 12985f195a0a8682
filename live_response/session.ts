/**
 * {@linkcode LiveResponseSession}: one Live Response session on a sensor (Cb Response) or device
 * (Cb Defense), with every command of the Python `CbLRSessionBase`. Sessions hold one of the
 * server's few session slots: open them with `await using` so they always close.
 *
 * @example Read a file from an endpoint
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const sensor = await cb.select(Sensor, 3);
 * await using session = await sensor.lrSession({ pollIntervalMs: 5 });
 * const text = new TextDecoder().decode(await session.getFile(String.raw`c:\test.txt`));
 * assert.ok(text.startsWith("this is a test"));
 * ```
 *
 * @module
 */

import { ApiError, type Connection, TimeoutError } from "../core/mod.ts";
import type { UploadData } from "./_multipart.ts";
import {
  type CommandDocument,
  pollCommand,
  type ProtocolSettings,
  type SessionDocument,
  type SharedSession,
} from "./_protocol.ts";
import type {
  DirectoryEntry,
  ProcessEntry,
  RegistryListing,
  RegistryValue,
} from "./_session_types.ts";
import {
  joinEndpointPath,
  openSessionDownload,
  postSessionCommand,
  temporaryName,
  uploadSessionFile,
} from "./_session_requests.ts";
import { LiveResponseMemdump, type MemdumpOptions } from "./memdump.ts";
import {
  createProcessCommand,
  type CreateProcessOptions,
  registryValueCommand,
  type SetRegistryValueOptions,
  walkDirectory,
  type WalkEntry,
  type WalkOptions,
} from "./_composite.ts";

export type { CommandDocument, SessionDocument } from "./_protocol.ts";
export type { UploadData } from "./_multipart.ts";
export type {
  DirectoryEntry,
  ProcessEntry,
  RegistryListing,
  RegistryValue,
} from "./_session_types.ts";
export type {
  CreateProcessOptions,
  RegistryValueType,
  SetRegistryValueOptions,
  WalkEntry,
  WalkOptions,
} from "./_composite.ts";
import { FileBytes } from "./file_bytes.ts";
import { checkTimeUnits } from "../core/_internal.ts";

/** Per-call options of every session command. */
export interface CommandOptions {
  /**
   * Aborts the command; the reason is rethrown unchanged (the session stays open).
   *
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * How long to wait for the command to complete, in milliseconds.
   *
   * @default 120000 (the session's or manager's setting)
   */
  timeoutMs?: number;
  /**
   * Milliseconds between two polls of the command's status.
   *
   * @default 500 (the session's or manager's setting)
   */
  pollIntervalMs?: number;
}

/** What a session needs from the manager that made it (internal). */
export interface SessionHost {
  readonly connection: Connection;
  readonly settings: Readonly<ProtocolSettings>;
  reestablish(shared: SharedSession, signal: AbortSignal | undefined): Promise<void>;
  release(shared: SharedSession): Promise<void>;
}

const INIT = Symbol("cbapi.liveResponseSessionInit");
const DECODER = new TextDecoder();

interface Internals {
  host: SessionHost;
  shared: SharedSession;
  defaults: CommandOptions;
}

/**
 * Builds a session handle (used by the manager only).
 *
 * @param host The manager side.
 * @param shared The server session.
 * @param defaults Default command options.
 * @returns The handle.
 */
export function createSessionHandle(
  host: SessionHost,
  shared: SharedSession,
  defaults: CommandOptions,
): LiveResponseSession {
  return new LiveResponseSession({ [INIT]: { host, shared, defaults } });
}

/**
 * A Live Response session. Get one from `sensor.lrSession()`, `cb.liveResponse.requestSession(id)`
 * or inside a job; close it with `await using` (or {@linkcode LiveResponseSession.close}).
 *
 * @example List a directory and the registry
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * await using session = await (await cb.select(Sensor, 3)).lrSession({ pollIntervalMs: 5 });
 * const files = await session.listDirectory("C:\\temp\\");
 * assert.ok(files.some((f) => f.filename === "test.txt"));
 * const start = await session.getRegistryValue(String.raw`HKLM\SYSTEM\CurrentControlSet\services\ACPI\Start`);
 * assert.ok(start.value_type === "REG_DWORD");
 * ```
 */
export class LiveResponseSession implements AsyncDisposable {
  #host: SessionHost;
  #shared: SharedSession;
  #defaults: CommandOptions;
  #closed = false;
  #closing: Promise<void> | undefined;

  /**
   * Sessions are built by the manager: use `sensor.lrSession()` or
   * `cb.liveResponse.requestSession(id)`.
   *
   * @param init Internal.
   * @throws {TypeError} When called directly.
   */
  constructor(init: unknown) {
    const internals = (init as { [INIT]?: Internals } | undefined)?.[INIT];
    if (!internals) {
      throw new TypeError(
        "LiveResponseSession cannot be built directly: use sensor.lrSession() or " +
          "cb.liveResponse.requestSession(sensorId)",
      );
    }
    this.#host = internals.host;
    this.#shared = internals.shared;
    this.#defaults = internals.defaults;
  }

  /** The server's session id (it changes when the session is re-established). */
  get sessionId(): number {
    return this.#shared.id;
  }

  /** The sensor (Cb Response) or device (Cb Defense) id. */
  get sensorId(): number {
    return this.#shared.sensorId;
  }

  /** The endpoint's OS type: 1 Windows, 2 Linux (Defense) or macOS (Response), ... */
  get osType(): number | undefined {
    return this.#shared.osType;
  }

  /** The session document as the server last sent it. */
  get sessionData(): Readonly<SessionDocument> {
    return this.#shared.data;
  }

  /** Command names the sensor accepts. */
  get supportedCommands(): readonly string[] {
    return this.#shared.data.supported_commands ?? [];
  }

  /** Whether {@linkcode LiveResponseSession.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Releases the session: the server session is closed once no other handle of this manager uses
   * it (with keepalive on, the keepalive task closes it at its next round). Idempotent.
   *
   * @returns Resolves once the server session is closed (or handed back).
   * @throws {ServerError} When the server refuses to close the session.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const session = await cb.liveResponse.requestSession(3, { pollIntervalMs: 5 });
   * await session.close();
   * await session.close();
   * assert.ok(emu.state.liveResponse.openSessions === 0);
   * ```
   */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#closing = this.#host.release(this.#shared);
    }
    return this.#closing;
  }

  /** Same as {@linkcode LiveResponseSession.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Short form. */
  [Symbol.for("Deno.customInspect")](): string {
    return `LiveResponseSession { id: ${this.sessionId}, sensorId: ${this.sensorId}, closed: ${this.#closed} }`;
  }

  /**
   * Joins path parts with the endpoint's separator: `\` on Windows (os type 1), `/` elsewhere.
   *
   * @param parts Path parts.
   * @returns The joined path.
   *
   * @example
   * ```ts ignore
   * session.pathJoin(String.raw`c:\windows`, "temp"); // c:\windows\temp
   * ```
   */
  pathJoin(...parts: string[]): string {
    return joinEndpointPath(this.#shared.osType, parts);
  }

  /**
   * A fresh temporary file name on the endpoint: `cblr.{12 letters or digits}.tmp` in
   * `c:\windows\temp` on Windows, `/tmp` elsewhere.
   *
   * @returns The path.
   */
  temporaryFileName(): string {
    const name = temporaryName();
    return this.pathJoin(this.#shared.osType === 1 ? "c:\\windows\\temp" : "/tmp", name);
  }

  /**
   * Posts a command (`POST {base}/session/{sid}/command` with `session_id`) and returns the
   * server's answer without waiting. A 404 saying the session or sensor vanished re-establishes
   * the session and posts again, at most 5 posts.
   *
   * @param name The command name, e.g. `get file`.
   * @param fields Further fields (`object`, ...).
   * @param options Signal.
   * @returns The pending command document.
   * @throws {ApiError} When the sensor does not support the command, the session is closed, or
   *   the server answers another 404.
   * @throws {TimeoutError} After 5 posts that all found the session gone.
   */
  async postCommand(
    name: string,
    fields: Record<string, unknown> = {},
    options: CommandOptions = {},
  ): Promise<CommandDocument> {
    checkTimeUnits(options, `Live Response command ${name}`);
    this.#checkUsable(name);
    if (!this.supportedCommands.includes(name)) {
      throw new ApiError(
        `Command ${name} not supported by this sensor: sensor ${this.sensorId} of ${this.#host.connection.url} ` +
          `accepts ${this.supportedCommands.map((c) => `"${c}"`).join(", ") || "no commands"}`,
      );
    }
    return await postSessionCommand(
      this.#host,
      this.#shared,
      name,
      fields,
      this.#signal(options),
    );
  }

  /**
   * Posts a command and waits for it to complete (`GET .../command/{cid}` every poll interval).
   *
   * @param name The command name.
   * @param fields Further fields.
   * @param options Timeout, poll interval, signal.
   * @returns The completed command document.
   * @throws {LiveResponseError} When the endpoint reports an error.
   * @throws {TimeoutError} When the command does not complete in time.
   * @throws {ApiError} For an unsupported command.
   */
  async runCommand(
    name: string,
    fields: Record<string, unknown> = {},
    options: CommandOptions = {},
  ): Promise<CommandDocument> {
    const posted = await this.postCommand(name, fields, options);
    return await this.waitCommand(posted.id, name, options);
  }

  /**
   * Waits for a posted command to complete.
   *
   * @param commandId The command id.
   * @param name The command name (for messages).
   * @param options Timeout, poll interval, signal.
   * @returns The completed command document.
   * @throws {LiveResponseError} When the endpoint reports an error.
   * @throws {TimeoutError} When the command does not complete in time.
   */
  waitCommand(
    commandId: number,
    name: string,
    options: CommandOptions = {},
  ): Promise<CommandDocument> {
    try {
      checkTimeUnits(options, `Live Response command ${name}`);
    } catch (err) {
      return Promise.reject(err);
    }
    const s = this.#host.settings;
    const timeout = options.timeoutMs || this.#defaults.timeoutMs || s.commandTimeoutMs;
    const interval = options.pollIntervalMs ?? this.#defaults.pollIntervalMs ??
      s.commandPollIntervalMs;
    return pollCommand(
      this.#host.connection,
      this.#shared,
      commandId,
      name,
      timeout,
      interval,
      this.#signal(options),
    );
  }

  /**
   * The contents of a file on the endpoint (`get file`).
   *
   * @param path The remote path.
   * @param options Timeout, poll interval, signal.
   * @returns The bytes; `.text()` decodes them.
   * @throws {LiveResponseError} For example `ERROR_FILE_NOT_FOUND`.
   */
  async getFile(path: string, options: CommandOptions = {}): Promise<FileBytes> {
    const stream = await this.getRawFile(path, options);
    return new FileBytes(await new Response(stream).arrayBuffer());
  }

  /**
   * A file on the endpoint as a stream, read from the server as it is consumed (bounded memory).
   * Read it to the end or cancel it.
   *
   * @param path The remote path.
   * @param options Timeout, poll interval, signal.
   * @returns The stream of `GET .../file/{file_id}/content`.
   * @throws {LiveResponseError} For example `ERROR_FILE_NOT_FOUND`.
   */
  async getRawFile(
    path: string,
    options: CommandOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const posted = await this.postCommand("get file", { object: path }, options);
    await this.waitCommand(posted.id, "get file", options);
    return await openSessionDownload(
      this.#host,
      this.#shared,
      `file/${posted.file_id}/content`,
      this.#signal(options),
    );
  }

  /**
   * Deletes a file on the endpoint (`delete file`).
   *
   * @param path The remote path.
   * @param options Timeout, poll interval, signal.
   * @throws {LiveResponseError} When the endpoint refuses.
   */
  async deleteFile(path: string, options: CommandOptions = {}): Promise<void> {
    await this.runCommand("delete file", { object: path }, options);
  }

  /**
   * Uploads data (`POST .../file`, multipart part `file`) and writes it to a new file on the
   * endpoint (`put file`). A stream is sent as it is read.
   *
   * @param data Bytes, text, a Blob or a stream.
   * @param remotePath The file to create.
   * @param options Timeout, poll interval, signal.
   * @throws {LiveResponseError} For example `ERROR_FILE_EXISTS`.
   */
  async putFile(data: UploadData, remotePath: string, options: CommandOptions = {}): Promise<void> {
    this.#checkUsable("put file");
    if (!this.supportedCommands.includes("put file")) {
      await this.postCommand("put file", { object: remotePath }, options);
    }
    const fileId = await uploadSessionFile(this.#host, this.#shared, data, this.#signal(options));
    await this.runCommand("put file", { object: remotePath, file_id: fileId }, options);
  }

  /**
   * Lists a directory (`directory list`); on Windows end the name with `\` (or `\*`).
   *
   * @param dir The directory.
   * @param options Timeout, poll interval, signal.
   * @returns The entries, `.` and `..` included.
   * @throws {LiveResponseError} For example `ERROR_PATH_NOT_FOUND`.
   */
  async listDirectory(dir: string, options: CommandOptions = {}): Promise<DirectoryEntry[]> {
    const doc = await this.runCommand("directory list", { object: dir }, options);
    return (doc.files ?? []) as DirectoryEntry[];
  }

  /**
   * Creates a directory (`create directory`).
   *
   * @param dir The directory.
   * @param options Timeout, poll interval, signal.
   * @throws {LiveResponseError} For example `ERROR_ALREADY_EXISTS`.
   */
  async createDirectory(dir: string, options: CommandOptions = {}): Promise<void> {
    await this.runCommand("create directory", { object: dir }, options);
  }

  /**
   * Walks a directory tree like `os.walk`: yields `[dir, dirNames, fileNames]`, parents before
   * children (`topdown`, the default; removing names from `dirNames` prunes them) or after.
   *
   * @param top The directory to start from.
   * @param options Order, error callback, command options.
   * @returns The entries, as an async iterable.
   * @throws {LiveResponseError} Never for a listing failure (that goes to `onError`); the
   *   caller's abort reason is rethrown.
   */
  walk(top: string, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
    return walkDirectory(this, top, options);
  }

  /**
   * Kills a process (`kill`, polled every 100 ms for up to 10 s).
   *
   * @param pid The process id.
   * @param options Signal (timeout and poll interval override the 10 s / 100 ms).
   * @returns True once killed; false when the command did not complete in time.
   * @throws {LiveResponseError} When the endpoint refuses.
   */
  async killProcess(pid: number, options: CommandOptions = {}): Promise<boolean> {
    const posted = await this.postCommand("kill", { object: pid }, options);
    try {
      await this.waitCommand(posted.id, "kill", {
        ...options,
        timeoutMs: options.timeoutMs || 10_000,
        pollIntervalMs: options.pollIntervalMs ?? Math.min(100, this.#interval()),
      });
      return true;
    } catch (err) {
      if (err instanceof TimeoutError) return false;
      throw err;
    }
  }

  /**
   * Starts a process (`create process`); by default waits for it and returns its output, read
   * from a temporary output file that is then deleted.
   *
   * @param command The command line.
   * @param options Output, working directory, wait settings.
   * @returns The output bytes when waiting for output, else undefined.
   * @throws {LiveResponseError} When the endpoint refuses.
   */
  createProcess(
    command: string,
    options: CreateProcessOptions = {},
  ): Promise<FileBytes | undefined> {
    return createProcessCommand(this, command, options);
  }

  /**
   * The running processes (`process list`).
   *
   * @param options Timeout, poll interval, signal.
   * @returns The processes.
   */
  async listProcesses(options: CommandOptions = {}): Promise<ProcessEntry[]> {
    const doc = await this.runCommand("process list", {}, options);
    return (doc.processes ?? []) as ProcessEntry[];
  }

  /**
   * The values and sub-keys of a registry key (`reg enum key`).
   *
   * @param key The key, e.g. `HKLM\SYSTEM\CurrentControlSet\services\ACPI`.
   * @param options Timeout, poll interval, signal.
   * @returns Values and sub-key names.
   * @throws {LiveResponseError} For example `ERROR_FILE_NOT_FOUND`.
   */
  async listRegistryKeysAndValues(
    key: string,
    options: CommandOptions = {},
  ): Promise<RegistryListing> {
    const doc = await this.runCommand("reg enum key", { object: key }, options);
    return {
      values: (doc.values ?? []) as RegistryValue[],
      sub_keys: (doc.sub_keys ?? []) as string[],
    };
  }

  /**
   * The values of a registry key (`reg enum key`), as the Python `list_registry_keys`.
   *
   * @param key The key.
   * @param options Timeout, poll interval, signal.
   * @returns The values.
   */
  async listRegistryKeys(key: string, options: CommandOptions = {}): Promise<RegistryValue[]> {
    return (await this.listRegistryKeysAndValues(key, options)).values;
  }

  /**
   * One registry value (`reg query value`); the last path part is the value name.
   *
   * @param key `key\valueName`.
   * @param options Timeout, poll interval, signal.
   * @returns `{value_name, value_type, value_data}`.
   * @throws {LiveResponseError} For example `ERROR_FILE_NOT_FOUND`.
   */
  async getRegistryValue(key: string, options: CommandOptions = {}): Promise<RegistryValue> {
    const doc = await this.runCommand("reg query value", { object: key }, options);
    return doc.value as RegistryValue;
  }

  /**
   * Sets a registry value (`reg set value`). Without `valueType`: an integer is `REG_DWORD`, an
   * array `REG_MULTI_SZ`, anything else `REG_SZ` as text.
   *
   * @param key `key\valueName`.
   * @param value The data.
   * @param options Overwrite, type, command options.
   * @throws {LiveResponseError} When the endpoint refuses.
   */
  async setRegistryValue(
    key: string,
    value: unknown,
    options: SetRegistryValueOptions = {},
  ): Promise<void> {
    await this.runCommand("reg set value", registryValueCommand(key, value, options), options);
  }

  /**
   * Creates a registry key (`reg create key`).
   *
   * @param key The key.
   * @param options Timeout, poll interval, signal.
   */
  async createRegistryKey(key: string, options: CommandOptions = {}): Promise<void> {
    await this.runCommand("reg create key", { object: key }, options);
  }

  /**
   * Deletes a registry key (`reg delete key`).
   *
   * @param key The key.
   * @param options Timeout, poll interval, signal.
   */
  async deleteRegistryKey(key: string, options: CommandOptions = {}): Promise<void> {
    await this.runCommand("reg delete key", { object: key }, options);
  }

  /**
   * Deletes a registry value (`reg delete value`).
   *
   * @param key `key\valueName`.
   * @param options Timeout, poll interval, signal.
   */
  async deleteRegistryValue(key: string, options: CommandOptions = {}): Promise<void> {
    await this.runCommand("reg delete value", { object: key }, options);
  }

  /**
   * Starts a memory dump (`memdump`, compressed by default) and returns its handle.
   *
   * @param options Remote file name, compression, signal.
   * @returns The handle: `wait()`, `get(destination)`, `delete()`.
   * @throws {ApiError} When the sensor does not support `memdump`.
   */
  startMemdump(options: MemdumpOptions = {}): Promise<LiveResponseMemdump> {
    return LiveResponseMemdump.start(this, { compress: true, ...options });
  }

  /**
   * Dumps the endpoint's memory into `destination`: start (uncompressed by default), wait, copy,
   * delete the remote file.
   *
   * @param destination Where the dump is written (for example `(await Deno.create(path)).writable`).
   * @param options Remote file name, compression, timeout (default 1 hour), poll interval (5 s).
   */
  async memdump(
    destination: WritableStream<Uint8Array>,
    options: MemdumpOptions = {},
  ): Promise<void> {
    const dump = await LiveResponseMemdump.start(this, { compress: false, ...options });
    await dump.wait(options);
    await dump.get(destination, options);
    await dump.delete(options);
  }

  /**
   * The session's archive (`GET .../archive`) as a stream.
   *
   * @param options Signal.
   * @returns The raw archive.
   */
  async getSessionArchive(options: CommandOptions = {}): Promise<ReadableStream<Uint8Array>> {
    this.#checkUsable("archive");
    return await openSessionDownload(this.#host, this.#shared, "archive", this.#signal(options));
  }

  /**
   * Decodes bytes from the endpoint as UTF-8 text.
   *
   * @param bytes Bytes.
   * @returns The text.
   */
  static text(bytes: Uint8Array | undefined): string {
    return bytes ? DECODER.decode(bytes) : "";
  }

  #interval(): number {
    return this.#defaults.pollIntervalMs ?? this.#host.settings.commandPollIntervalMs;
  }

  #checkUsable(what: string): void {
    if (this.#closed || this.#shared.closed) {
      throw new ApiError(
        `Cannot run "${what}": Live Response session ${this.#shared.id} of sensor ${this.sensorId} ` +
          `on ${this.#host.connection.url} is closed. Open a new session`,
      );
    }
  }

  #signal(options: CommandOptions): AbortSignal | undefined {
    const signals = [options.signal, this.#defaults.signal, this.#shared.controller.signal]
      .filter((s): s is AbortSignal => s !== undefined);
    return signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  }
}
