/**
 * Cb Response process events: module loads, file and registry modifications, network
 * connections, child processes and cross-process accesses, as {@linkcode Process} yields them.
 * Each event has a sensor wall-clock `timestamp`, its `sequence` in its list, the owning
 * process as `parent`, an `event_type`, `tamper_event`, and the Python library's text display.
 *
 * @example Print the module loads of a process
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, ModLoadEvent, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.modloads()) {
 *   assert.ok(ev instanceof ModLoadEvent);
 *   console.log(String(ev));
 * }
 * ```
 *
 * @module
 */

import { displayValue, type Document, type RequestOptions } from "../core/mod.ts";
import { formatDisplayTime, parseGuid } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { Process } from "./process.ts";
import { accessRight } from "./_event_parse.ts";

/** Where an event belongs: its process, the API and its index in its list. */
export interface EventContext {
  /** The process the event belongs to. */
  parent: Process;
  /** The API the process came from (joins go through its cache). */
  api: CbResponseAPI;
  /** The event's index in its list (continuing across segments for `all*()` before 6.0). */
  sequence: number;
}

/** Fields every event has. */
export interface EventFields {
  /** When it happened, on the sensor's wall clock (the Date's UTC fields hold that clock). */
  timestamp: Date;
  /** Whether the sensor flagged it as tampering. */
  tamper_flag?: boolean;
}

/** A module load (`modload_complete`). */
export interface ModLoadFields extends EventFields {
  /** The module's MD5 (lower case, as sent). */
  md5: string;
  /** The module's path. */
  path: string;
  /** What the event document's `binaries` map said of the module, if anything. */
  binaryData?: Document | undefined;
}

/** A file modification (`filemod_complete`). */
export interface FileModFields extends EventFields {
  /** `CreatedFile`, `FirstWrote`, `Deleted` or `LastWrote` (undefined for an unknown code). */
  type: string | undefined;
  /** The file's path. */
  path: string;
  /** The file's MD5 (last writes), or `""`. */
  md5: string;
  /** `PE`, `ELF`, `MachO`, `EICAR`, `DOC`, `DOCX`, `PDF`, `ZIP`, `LZH`, `LZW`, `RAR`, `TAR`, `7Z` or `Unknown`. */
  filetype: string;
}

/** A registry modification (`regmod_complete`). */
export interface RegModFields extends EventFields {
  /** `CreatedKey`, `FirstWrote`, `DeletedKey` or `DeletedValue` (undefined for an unknown code). */
  type: string | undefined;
  /** The key or value path. */
  path: string;
}

/** A network connection (`netconn_complete`). */
export interface NetConnFields extends EventFields {
  /** The remote address as a dotted quad (`0.0.0.0` when unknown). */
  remote_ip: string;
  /** The remote port. */
  remote_port: number;
  /** The `IPPROTO_*` name (`Unknown` for an unknown number from 5.1 on). */
  proto: string;
  /** The DNS name, or `""`. */
  domain: string;
  /** `Outbound` or `Inbound`. */
  direction: "Outbound" | "Inbound";
  /** The local address (v2 and later). */
  local_ip?: string;
  /** The local port (v2 and later). */
  local_port?: number;
  /** The proxy address (v2 and later). */
  proxy_ip?: string;
  /** The proxy port (v2 and later). */
  proxy_port?: number;
  /** The event format (1-4). */
  version: number;
}

/** A child process start or end (`childproc_complete`, or a summary child). */
export interface ChildProcFields extends EventFields {
  /** The child's unique id (`{guid}-{segment}`) or GUID. */
  procguid: string;
  /** The child's MD5. */
  md5: string;
  /** The child's path. */
  path: string;
  /** The child's process id. */
  pid: number | undefined;
  /** Whether this event is the child's end. */
  terminated: boolean;
  /** Whether the server suppressed the child (it keeps no process for it). */
  is_suppressed: boolean;
  /** What is known of the child: its summary document, or command line and user when suppressed. */
  procData: Document;
}

/** A cross-process access (`crossproc_complete`). */
export interface CrossProcFields extends EventFields {
  /** `RemoteThread`, `ProcessOpen` or `ThreadOpen`. */
  type: string;
  /** The access mask. */
  privilege_code: number;
  /** The access mask as text (`PROCESS_ALL_ACCESS`, or names joined with ` | `). */
  privileges: string;
  /** Whether this process was the target. */
  is_target: boolean;
  /** The target's unique id. */
  target_procguid: string;
  /** The target's MD5. */
  target_md5: string;
  /** The target's path. */
  target_path: string;
  /** The source's unique id. */
  source_procguid: string;
  /** The source's MD5. */
  source_md5: string;
  /** The source's path. */
  source_path: string;
}

/**
 * The base of every process event. Events sort by timestamp
 * (`events.sort(ProcessEvent.compare)`; `valueOf()` is the timestamp, so `<` compares them).
 *
 * @example Sort events of several kinds
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Process, ProcessEvent } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * const events: ProcessEvent[] = [...await Array.fromAsync(proc.regmods()), ...await Array.fromAsync(proc.filemods())];
 * events.sort(ProcessEvent.compare);
 * assert.ok(events[0]!.timestamp <= events.at(-1)!.timestamp);
 * ```
 */
export abstract class ProcessEvent {
  /** The process the event belongs to. */
  readonly parent: Process;
  /** When it happened (sensor wall clock: the UTC fields hold the sensor's local time). */
  readonly timestamp: Date;
  /** Its index in its list. */
  readonly sequence: number;
  /** Whether the sensor flagged it as tampering. */
  readonly tamper_flag: boolean;
  /** The API, for joins. */
  protected readonly api: CbResponseAPI;

  /**
   * Builds an event; {@linkcode Process} does this while iterating.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: EventFields) {
    this.parent = context.parent;
    this.api = context.api;
    this.sequence = context.sequence;
    this.timestamp = fields.timestamp;
    this.tamper_flag = fields.tamper_flag === true;
  }

  /** The Python library's name of the event kind, e.g. `Cb Module Load event`. */
  abstract get event_type(): string;

  /** The fields shown by {@linkcode ProcessEvent.toString}, in order. */
  protected abstract get displayFields(): string[];

  /** Whether the sensor flagged it as tampering (same as `tamper_flag`). */
  get tamper_event(): boolean {
    return this.tamper_flag;
  }

  /**
   * Orders two events by timestamp.
   *
   * @param a An event.
   * @param b Another event.
   * @returns Negative, zero or positive, for `Array.prototype.sort`.
   */
  static compare(a: ProcessEvent, b: ProcessEvent): number {
    return a.timestamp.getTime() - b.timestamp.getTime();
  }

  /**
   * The timestamp in milliseconds, so that `a < b` compares events by time.
   *
   * @returns Milliseconds of the wall-clock timestamp.
   */
  valueOf(): number {
    return this.timestamp.getTime();
  }

  /**
   * The Python display: `{event_type}:` then one `{name:<20} : {value}` line per field.
   *
   * @returns The text.
   */
  toString(): string {
    const lines = this.displayFields.map((name) => {
      const v = name === "timestamp"
        ? formatDisplayTime(this.timestamp)
        : displayValue(name, (this as unknown as Record<string, unknown>)[name] ?? "");
      return `${name.padEnd(20)} : ${v}`;
    });
    return `${this.event_type}:\n${lines.join("\n")}`;
  }

  /** Short form for `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return `<${this.constructor.name} #${this.sequence} ${formatDisplayTime(this.timestamp)}>`;
  }
}

/**
 * A module load.
 *
 * @example Is the module signed?
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.modloads()) {
 *   console.log(ev.path, await ev.isSigned());
 * }
 * ```
 */
export class ModLoadEvent extends ProcessEvent {
  /** The module's MD5 (as sent, lower case). */
  readonly md5: string;
  /** The module's path. */
  readonly path: string;
  #binaryData: Document | undefined;

  /**
   * Builds the event.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: ModLoadFields) {
    super(context, fields);
    this.md5 = fields.md5;
    this.path = fields.path;
    this.#binaryData = fields.binaryData;
  }

  /** `Cb Module Load event`. */
  get event_type(): string {
    return "Cb Module Load event";
  }

  /** Display fields. */
  protected get displayFields(): string[] {
    return ["timestamp", "md5", "path"];
  }

  /**
   * The module's binary: from the event document's `binaries` map when the server sent it (no
   * request), else loaded by MD5 (cached).
   *
   * @param options Signal and timeout.
   * @returns The binary.
   * @throws {ObjectNotFoundError} When the server has no such binary.
   */
  async binary(options: RequestOptions = {}): Promise<Binary> {
    if (this.#binaryData) return this.api.fromRow(Binary, this.md5, this.#binaryData);
    return await this.api.selectById(Binary, this.md5, options);
  }

  /**
   * Whether the module is signed (`binary().signed`).
   *
   * @param options Signal and timeout.
   * @returns True when signed.
   * @throws {ObjectNotFoundError} When the server has no such binary.
   */
  async isSigned(options: RequestOptions = {}): Promise<boolean> {
    return (await this.binary(options)).signed;
  }
}

/**
 * A file modification.
 *
 * @example Executables written by a process
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.filemods()) {
 *   if (ev.type === "LastWrote" && ev.filetype === "PE") console.log(ev.path, ev.md5);
 * }
 * ```
 */
export class FileModEvent extends ProcessEvent {
  /** `CreatedFile`, `FirstWrote`, `Deleted` or `LastWrote`. */
  readonly type: string | undefined;
  /** The file's path. */
  readonly path: string;
  /** The file's MD5, or `""`. */
  readonly md5: string;
  /** The file type name (`Unknown` when not known). */
  readonly filetype: string;

  /**
   * Builds the event.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: FileModFields) {
    super(context, fields);
    this.type = fields.type;
    this.path = fields.path;
    this.md5 = fields.md5;
    this.filetype = fields.filetype;
  }

  /** `Cb File Modification event`. */
  get event_type(): string {
    return "Cb File Modification event";
  }

  /** Display fields. */
  protected get displayFields(): string[] {
    return ["timestamp", "type", "path", "filetype", "md5"];
  }
}

/**
 * A registry modification.
 *
 * @example Registry keys a process created
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.regmods()) if (ev.type === "CreatedKey") console.log(ev.path);
 * ```
 */
export class RegModEvent extends ProcessEvent {
  /** `CreatedKey`, `FirstWrote`, `DeletedKey` or `DeletedValue`. */
  readonly type: string | undefined;
  /** The key or value path. */
  readonly path: string;

  /**
   * Builds the event.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: RegModFields) {
    super(context, fields);
    this.type = fields.type;
    this.path = fields.path;
  }

  /** `Cb Registry Modification event`. */
  get event_type(): string {
    return "Cb Registry Modification event";
  }

  /** Display fields. */
  protected get displayFields(): string[] {
    return ["timestamp", "type", "path"];
  }
}

/**
 * A network connection.
 *
 * @example Outbound connections
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.netconns()) {
 *   if (ev.direction === "Outbound") console.log(`${ev.domain} ${ev.remote_ip}:${ev.remote_port} ${ev.proto}`);
 * }
 * ```
 */
export class NetConnEvent extends ProcessEvent {
  /** The remote address (dotted quad). */
  readonly remote_ip: string;
  /** The remote port. */
  readonly remote_port: number;
  /** The `IPPROTO_*` name. */
  readonly proto: string;
  /** The DNS name, or `""`. */
  readonly domain: string;
  /** `Outbound` or `Inbound`. */
  readonly direction: "Outbound" | "Inbound";
  /** The local address (v2+ formats). */
  readonly local_ip: string | undefined;
  /** The local port (v2+ formats). */
  readonly local_port: number | undefined;
  /** The proxy address (v2+ formats). */
  readonly proxy_ip: string | undefined;
  /** The proxy port (v2+ formats). */
  readonly proxy_port: number | undefined;
  #version: number;

  /**
   * Builds the event.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: NetConnFields) {
    super(context, fields);
    this.remote_ip = fields.remote_ip;
    this.remote_port = fields.remote_port;
    this.proto = fields.proto;
    this.domain = fields.domain;
    this.direction = fields.direction;
    this.local_ip = fields.local_ip;
    this.local_port = fields.local_port;
    this.proxy_ip = fields.proxy_ip;
    this.proxy_port = fields.proxy_port;
    this.#version = fields.version;
  }

  /** `Cb Network Connection event`. */
  get event_type(): string {
    return "Cb Network Connection event";
  }

  /** Display fields (local and proxy ends from the v2 format on). */
  protected get displayFields(): string[] {
    const base = ["timestamp", "domain", "remote_ip", "remote_port", "proto", "direction"];
    return this.#version >= 2
      ? [...base, "local_ip", "local_port", "proxy_ip", "proxy_port"]
      : base;
  }
}

/**
 * A child process start or end.
 *
 * @example The child processes' command lines
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.children()) {
 *   const child = await ev.process();
 *   console.log(child.cmdline);
 * }
 * ```
 */
export class ChildProcEvent extends ProcessEvent {
  /** The child's unique id (`{guid}-{segment}`) or GUID. */
  readonly procguid: string;
  /** The child's MD5. */
  readonly md5: string;
  /** The child's path. */
  readonly path: string;
  /** The child's process id. */
  readonly pid: number | undefined;
  /** Whether this event is the child's end. */
  readonly terminated: boolean;
  /** Whether the server suppressed the child (it keeps no process for it). */
  readonly is_suppressed: boolean;
  #procData: Document;

  /**
   * Builds the event.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: ChildProcFields) {
    super(context, fields);
    this.procguid = fields.procguid;
    this.md5 = fields.md5;
    this.path = fields.path;
    this.pid = fields.pid;
    this.terminated = fields.terminated;
    this.is_suppressed = fields.is_suppressed;
    this.#procData = fields.procData;
  }

  /** `Cb Child Process event`. */
  get event_type(): string {
    return "Cb Child Process event";
  }

  /** Display fields. */
  protected get displayFields(): string[] {
    return ["timestamp", "procguid", "pid", "path", "md5"];
  }

  /**
   * The child process (cached per API). A suppressed child is never fetched: it carries only
   * what the event said (command line, user, MD5, pid, path). Otherwise the child is loaded,
   * which costs nothing when the event came from the summary (its document is complete).
   *
   * Start time and sensor id missing from the event are derived from the child's own GUID
   * (the Python library took them from the parent's GUID).
   *
   * @param options Signal and timeout.
   * @returns The child process.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async process(options: RequestOptions = {}): Promise<Process> {
    const guid = this.procguid.slice(0, 36).toLowerCase();
    const fromSummary = this.#procData.process_name !== undefined &&
      this.#procData.start !== undefined;
    const info: Document = { ...this.#procData, id: guid };
    if (this.md5) info.process_md5 = this.md5;
    if (this.pid !== undefined) info.process_pid = this.pid;
    if (this.path) info.path = this.path;
    info.parent_unique_id ??= this.parent.get("unique_id") ?? this.parent.id;
    info.parent_id ??= this.parent.id;
    try {
      const parts = parseGuid(guid);
      info.sensor_id ??= parts.sensorId;
      info.start ??= parts.createTime.toISOString();
    } catch {
      // A GUID that does not parse keeps what the event said.
    }
    const api = this.api;
    const segment = api.versionAtLeast("6.0.0") ? 0 : 1;
    const suppressed = this.is_suppressed;
    const child = api.cachedObject(
      Process,
      guid,
      () => new Process(api, guid, { info, segment, suppressed, full: fromSummary || suppressed }),
      suppressed ? [segment, "suppressed"] : [segment],
    );
    if (!suppressed) await child.load(options);
    return child;
  }
}

/**
 * A cross-process access: a remote thread, or a process or thread opened with an access mask.
 *
 * @example Which processes opened others with full access
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = await cb.select(Process, "00000003-0000-036c-01d2-2efd3af51186");
 * for await (const ev of proc.crossprocs()) {
 *   if (ev.hasPermissions(["PROCESS_VM_WRITE", "PROCESS_CREATE_THREAD"])) {
 *     console.log(ev.type, ev.privileges, (await ev.targetProc()).process_name);
 *   }
 * }
 * ```
 */
export class CrossProcEvent extends ProcessEvent {
  /** `RemoteThread`, `ProcessOpen` or `ThreadOpen`. */
  readonly type: string;
  /** The access mask. */
  readonly privilege_code: number;
  /** The access mask as text. */
  readonly privileges: string;
  /** Whether this process was the target. */
  readonly is_target: boolean;
  /** The target's unique id or GUID. */
  readonly target_procguid: string;
  /** The target's MD5. */
  readonly target_md5: string;
  /** The target's path. */
  readonly target_path: string;
  /** The source's unique id or GUID. */
  readonly source_procguid: string;
  /** The source's MD5. */
  readonly source_md5: string;
  /** The source's path. */
  readonly source_path: string;

  /**
   * Builds the event.
   *
   * @param context The owning process, the API and the sequence number.
   * @param fields The parsed fields.
   */
  constructor(context: EventContext, fields: CrossProcFields) {
    super(context, fields);
    this.type = fields.type;
    this.privilege_code = fields.privilege_code;
    this.privileges = fields.privileges;
    this.is_target = fields.is_target;
    this.target_procguid = fields.target_procguid;
    this.target_md5 = fields.target_md5;
    this.target_path = fields.target_path;
    this.source_procguid = fields.source_procguid;
    this.source_md5 = fields.source_md5;
    this.source_path = fields.source_path;
  }

  /** `Cb Cross Process event`. */
  get event_type(): string {
    return "Cb Cross Process event";
  }

  /** Display fields. */
  protected get displayFields(): string[] {
    return ["timestamp", "type", "privileges", "target_md5", "target_path"];
  }

  /**
   * The target process (loaded, cached).
   *
   * @param options Signal and timeout.
   * @returns The target.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async targetProc(options: RequestOptions = {}): Promise<Process> {
    return await Process.selectById(this.api, this.target_procguid, options);
  }

  /**
   * The source process (loaded, cached).
   *
   * @param options Signal and timeout.
   * @returns The source.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async sourceProc(options: RequestOptions = {}): Promise<Process> {
    return await Process.selectById(this.api, this.source_procguid, options);
  }

  /**
   * Whether the access mask holds a right.
   *
   * @param name A right such as `PROCESS_VM_WRITE` (the names of the access-mask text).
   * @returns True when every bit of the right is set.
   * @throws {RangeError} For a name that is not a process access right.
   */
  hasPermission(name: string): boolean {
    const bit = accessRight(name);
    if (bit === undefined) {
      throw new RangeError(
        `Cannot check permission "${name}": not a process access right (use a name such as ` +
          `"PROCESS_VM_WRITE" or "SYNCHRONIZE")`,
      );
    }
    return (this.privilege_code & bit) === bit;
  }

  /**
   * Whether the access mask holds every right of a list.
   *
   * @param names Rights such as `PROCESS_VM_READ`.
   * @returns True when all are held.
   * @throws {RangeError} For a name that is not a process access right.
   */
  hasPermissions(names: Iterable<string>): boolean {
    for (const name of names) if (!this.hasPermission(name)) return false;
    return true;
  }
}
