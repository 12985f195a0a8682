/**
 * Raw Cb Response process events (SPEC 5.3.6): the v1-v4 formats of the `*_complete` lists,
 * IP protocol names, access-mask text, file-modification and registry type names, and the
 * per-segment store that parses each list once, lazily.
 *
 * @module
 */

import { ApiError, type Document } from "../core/mod.ts";
import { ipFromInt, parseSolrTime, parseWallClock, toInt } from "../core/_internal.ts";
import type {
  ChildProcFields,
  CrossProcFields,
  FileModFields,
  ModLoadFields,
  NetConnFields,
  RegModFields,
} from "./events.ts";

/** The event route version: v1 (< 5.1), v2 (5.1.x), v3 (5.2.x), v4 (>= 6.0). */
export type EventApiVersion = 1 | 2 | 3 | 4;

/** The kinds of event lists a process carries. */
export type EventKind = "modload" | "filemod" | "regmod" | "netconn" | "crossproc" | "childproc";

/** The event route version for a server. */
export function eventApiVersion(atLeast: (v: string) => boolean): EventApiVersion {
  if (atLeast("6.0.0")) return 4;
  if (atLeast("5.2.0")) return 3;
  if (atLeast("5.1.0")) return 2;
  return 1;
}

/** IP protocol numbers and the platform `IPPROTO_*` names (Linux `socket` constants). */
export const IP_PROTOCOLS: Readonly<Record<number, string>> = {
  0: "IPPROTO_IP",
  1: "IPPROTO_ICMP",
  2: "IPPROTO_IGMP",
  4: "IPPROTO_IPIP",
  6: "IPPROTO_TCP",
  8: "IPPROTO_EGP",
  12: "IPPROTO_PUP",
  17: "IPPROTO_UDP",
  22: "IPPROTO_IDP",
  29: "IPPROTO_TP",
  41: "IPPROTO_IPV6",
  43: "IPPROTO_ROUTING",
  44: "IPPROTO_FRAGMENT",
  46: "IPPROTO_RSVP",
  47: "IPPROTO_GRE",
  50: "IPPROTO_ESP",
  51: "IPPROTO_AH",
  58: "IPPROTO_ICMPV6",
  59: "IPPROTO_NONE",
  60: "IPPROTO_DSTOPTS",
  92: "IPPROTO_MTP",
  103: "IPPROTO_PIM",
  108: "IPPROTO_COMP",
  132: "IPPROTO_SCTP",
  136: "IPPROTO_UDPLITE",
  255: "IPPROTO_RAW",
};

/** Windows process access rights, in the order their names are joined. */
export const ACCESS_RIGHTS: ReadonlyArray<readonly [number, string]> = [
  [0x100000, "SYNCHRONIZE"],
  [0x80000, "WRITE_OWNER"],
  [0x40000, "WRITE_DAC"],
  [0x20000, "READ_CONTROL"],
  [0x10000, "DELETE"],
  [0x1, "PROCESS_TERMINATE"],
  [0x2, "PROCESS_CREATE_THREAD"],
  [0x4, "PROCESS_SET_SESSIONID"],
  [0x8, "PROCESS_VM_OPERATION"],
  [0x10, "PROCESS_VM_READ"],
  [0x20, "PROCESS_VM_WRITE"],
  [0x40, "PROCESS_DUP_HANDLE"],
  [0x80, "PROCESS_CREATE_PROCESS"],
  [0x100, "PROCESS_SET_QUOTA"],
  [0x200, "PROCESS_SET_INFORMATION"],
  [0x400, "PROCESS_QUERY_INFORMATION"],
  [0x800, "PROCESS_SUPEND_RESUME"],
  [0x1000, "PROCESS_QUERY_LIMITED_INFORMATION"],
];

const EXACT_RIGHTS: Readonly<Record<number, string>> = {
  0x1fffff: "PROCESS_ALL_ACCESS",
  0x1f0000: "STANDARD_RIGHTS_ALL",
  0x0f0000: "STANDARD_RIGHTS_REQUIRED",
  0x20000: "STANDARD_RIGHTS_READ",
};

const FILEMOD_TYPES: Readonly<Record<number, string>> = {
  1: "CreatedFile",
  2: "FirstWrote",
  4: "Deleted",
  8: "LastWrote",
};

const REGMOD_TYPES: Readonly<Record<number, string>> = {
  1: "CreatedKey",
  2: "FirstWrote",
  4: "DeletedKey",
  8: "DeletedValue",
};

const FILE_TYPES: Readonly<Record<number, string>> = {
  1: "PE",
  2: "ELF",
  3: "MachO",
  8: "EICAR",
  0x10: "DOC",
  0x11: "DOCX",
  0x30: "PDF",
  0x40: "ZIP",
  0x41: "LZH",
  0x42: "LZW",
  0x43: "RAR",
  0x44: "TAR",
  0x45: "7Z",
};

/** The text of an access mask: an exact name, or the set bits' names joined with ` | `. */
export function privilegesText(code: number): string {
  const exact = EXACT_RIGHTS[code];
  if (exact) return exact;
  return ACCESS_RIGHTS.filter(([bit]) => (code & bit) === bit).map(([, name]) => name).join(
    " | ",
  );
}

/** The bit of an access right by name, or undefined for an unknown name. */
export function accessRight(name: string): number | undefined {
  return ACCESS_RIGHTS.find(([, n]) => n === name)?.[0];
}

/** The file-modification type name (undefined for an unknown code). */
export function filemodTypeName(code: number | undefined): string | undefined {
  return code === undefined ? undefined : FILEMOD_TYPES[code];
}

/** The registry-modification type name (undefined for an unknown code). */
export function regmodTypeName(code: number | undefined): string | undefined {
  return code === undefined ? undefined : REGMOD_TYPES[code];
}

/** The file type name (`Unknown` for an unknown or missing code). */
export function fileTypeName(code: number | undefined): string {
  return (code === undefined ? undefined : FILE_TYPES[code]) ?? "Unknown";
}

/** What the parsers need to know of the process and server. */
export interface ParseContext {
  /** The owning process's GUID. */
  guid: string;
  /** The owning process's MD5 (for cross-process events). */
  md5: string | undefined;
  /** The owning process's path. */
  path: string | undefined;
  /** The server (for error messages). */
  url: string;
  /** The event format. */
  version: EventApiVersion;
  /** The event document's `binaries` map. */
  binaries: Document;
}

const EPOCH = 0;

function time(value: unknown): Date {
  return parseWallClock(value) ?? new Date(EPOCH);
}

function text(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

function pipes(raw: unknown): string[] {
  return typeof raw === "string" ? raw.split("|") : [];
}

/** Parses a `modload_complete` entry: `time|md5|path`. */
export function parseModload(raw: unknown, ctx: ParseContext): ModLoadFields | undefined {
  const parts = pipes(raw);
  if (parts.length < 3) return undefined;
  const md5 = parts[1]!;
  const cached = ctx.binaries[md5.toUpperCase()];
  return {
    timestamp: time(parts[0]),
    md5,
    path: parts[2]!,
    binaryData: cached && typeof cached === "object" ? cached as Document : undefined,
  };
}

/** Parses a `filemod_complete` entry: `type|time|path|md5|filetype|tamper` (empty: none). */
export function parseFilemod(raw: unknown): FileModFields | undefined {
  const parts = pipes(raw);
  if (parts.length < 3) return undefined;
  return {
    timestamp: time(parts[1]),
    type: filemodTypeName(toInt(parts[0])),
    path: parts[2]!,
    md5: parts[3] ?? "",
    filetype: parts[4] ? fileTypeName(toInt(parts[4])) : "Unknown",
    tamper_flag: parts[5] === "true",
  };
}

/** Parses a `regmod_complete` entry: `type|time|path|tamper`. */
export function parseRegmod(raw: unknown): RegModFields | undefined {
  const parts = pipes(raw);
  if (parts.length < 3) return undefined;
  return {
    timestamp: time(parts[1]),
    type: regmodTypeName(toInt(parts[0])),
    path: parts[2]!,
    tamper_flag: parts[3] === "true",
  };
}

function ipText(value: unknown, version: EventApiVersion): string {
  if (value === undefined || value === null) return "0.0.0.0";
  if (version >= 4) return String(value);
  return ipFromInt(value) ?? String(value);
}

/** Parses a `netconn_complete` entry in the format of `ctx.version`. */
export function parseNetconn(raw: unknown, ctx: ParseContext): NetConnFields | undefined {
  if (ctx.version === 1) {
    const parts = pipes(raw);
    if (parts.length < 6) return undefined;
    const number = toInt(parts[3]);
    const proto = number === undefined ? undefined : IP_PROTOCOLS[number];
    if (proto === undefined) {
      throw new ApiError(
        `Cannot read a network connection of process "${ctx.guid}" from ${ctx.url}: unknown IP ` +
          `protocol number "${parts[3]}" in the v1 event "${String(raw)}". Upgrade the server ` +
          `to 5.1 or later (its v2 events name unknown protocols) or skip netconns()`,
      );
    }
    return {
      timestamp: time(parts[0]),
      remote_ip: ipFromInt(parts[1]) ?? "0.0.0.0",
      remote_port: toInt(parts[2]) ?? 0,
      proto,
      domain: parts[4]!,
      direction: parts[5] === "true" ? "Outbound" : "Inbound",
      version: 1,
    };
  }
  if (!raw || typeof raw !== "object") return undefined;
  const doc = raw as Document;
  const direction = doc.direction ?? "true";
  return {
    timestamp: time(doc.timestamp),
    remote_ip: ipText(doc.remote_ip, ctx.version),
    remote_port: toInt(doc.remote_port) ?? 0,
    local_ip: ipText(doc.local_ip, ctx.version),
    local_port: toInt(doc.local_port) ?? 0,
    proxy_ip: ipText(doc.proxy_ip, ctx.version),
    proxy_port: toInt(doc.proxy_port) ?? 0,
    proto: IP_PROTOCOLS[toInt(doc.proto) ?? 0] ?? "Unknown",
    domain: text(doc.domain),
    direction: direction === "true" || direction === true ? "Outbound" : "Inbound",
    version: ctx.version,
  };
}

/** Parses a `childproc_complete` entry (pipes before 5.2, JSON objects from 5.2). */
export function parseChildproc(raw: unknown, ctx: ParseContext): ChildProcFields | undefined {
  if (typeof raw === "string") {
    const parts = pipes(raw);
    if (parts.length < 6) return undefined;
    return {
      timestamp: time(parts[0]),
      procguid: parts[1]!,
      md5: parts[2]!,
      path: parts[3]!,
      pid: toInt(parts[4]),
      terminated: parts[5] !== "true",
      tamper_flag: parts[6] === "true",
      is_suppressed: false,
      procData: {},
    };
  }
  if (!raw || typeof raw !== "object" || ctx.version < 3) return undefined;
  const doc = raw as Document;
  const terminated = doc.type === "end";
  const suppressed = doc.is_suppressed === true;
  return {
    timestamp: time(terminated ? doc.end : doc.start),
    procguid: text(doc.processId),
    md5: text(doc.md5),
    path: text(doc.path),
    pid: toInt(doc.pid),
    terminated,
    tamper_flag: doc.is_tampered === true,
    is_suppressed: suppressed,
    procData: suppressed
      ? { cmdline: doc.commandLine ?? null, username: doc.userName ?? null }
      : {},
  };
}

/** A summary `children` entry as a child-process event's fields. */
export function childFromSummary(doc: Document): ChildProcFields {
  return {
    timestamp: parseSolrTime(doc.start) ?? parseWallClock(doc.start) ?? new Date(EPOCH),
    procguid: text(doc.unique_id ?? doc.id),
    md5: text(doc.process_md5),
    path: text(doc.path),
    pid: toInt(doc.process_pid),
    terminated: doc.terminated === true,
    tamper_flag: false,
    is_suppressed: doc.is_suppressed === true,
    procData: doc,
  };
}

/**
 * Parses a `crossproc_complete` entry: `type|time|guid|md5|path|subtype|access|tamper|is_target`.
 * The listed process is the target unless `is_target` says this process is.
 */
export function parseCrossproc(raw: unknown, ctx: ParseContext): CrossProcFields | undefined {
  const parts = pipes(raw);
  if (parts.length < 7) return undefined;
  let type = parts[0]!;
  if (type === "ProcessOpen" && toInt(parts[5]) === 2) type = "ThreadOpen";
  const code = toInt(parts[6]) ?? 0;
  const isTarget = parts[8] === "true";
  const self = { procguid: ctx.guid, md5: text(ctx.md5), path: text(ctx.path) };
  const other = { procguid: parts[2]!, md5: parts[3]!, path: parts[4]! };
  const target = isTarget ? self : other;
  const source = isTarget ? other : self;
  return {
    timestamp: time(parts[1]),
    type,
    privilege_code: code,
    privileges: privilegesText(code),
    tamper_flag: parts[7] === "true",
    is_target: isTarget,
    target_procguid: target.procguid,
    target_md5: target.md5,
    target_path: target.path,
    source_procguid: source.procguid,
    source_md5: source.md5,
    source_path: source.path,
  };
}

/**
 * A list parsed on demand, each entry once: iterating again reuses what was parsed. An entry
 * that fails to parse throws where it stands (earlier entries were already delivered).
 */
export class LazyList<T> {
  #raw: readonly unknown[];
  #parse: (raw: unknown, sequence: number) => T | undefined;
  #items: Array<T | undefined> = [];

  /**
   * @param raw The raw entries.
   * @param parse Parses one entry (undefined skips it; its sequence number is still used).
   */
  constructor(raw: readonly unknown[], parse: (raw: unknown, sequence: number) => T | undefined) {
    this.#raw = raw;
    this.#parse = parse;
  }

  /** The number of raw entries. */
  get length(): number {
    return this.#raw.length;
  }

  /** The parsed entries, in order. */
  *items(): Generator<T, void, undefined> {
    for (let i = 0; i < this.#raw.length; i++) {
      if (i >= this.#items.length) this.#items.push(this.#parse(this.#raw[i], i));
      const item = this.#items[i];
      if (item !== undefined) yield item;
    }
  }
}

/** One loaded event document: its process fields and its lazily parsed lists. */
export class SegmentEvents {
  /** The event document's `process` object. */
  readonly doc: Document;
  /** The format it came in. */
  readonly version: EventApiVersion;
  #lists = new Map<string, LazyList<unknown>>();

  /**
   * @param doc The `process` object of the event answer.
   * @param version The format.
   */
  constructor(doc: Document, version: EventApiVersion) {
    this.doc = doc;
    this.version = version;
  }

  /** The raw entries of a list. */
  raw(kind: EventKind): readonly unknown[] {
    const v = this.doc[`${kind}_complete`];
    return Array.isArray(v) ? v : [];
  }

  /**
   * The parsed list of a kind, built once per sequence offset.
   *
   * @param kind The list.
   * @param offset Added to each entry's index to give its sequence number.
   * @param parse Builds one event.
   */
  list<T>(
    kind: EventKind,
    offset: number,
    parse: (raw: unknown, sequence: number) => T | undefined,
  ): LazyList<T> {
    const key = `${kind}:${offset}`;
    let list = this.#lists.get(key) as LazyList<T> | undefined;
    if (!list) {
      list = new LazyList(this.raw(kind), (raw, i) => parse(raw, i + offset));
      this.#lists.set(key, list as LazyList<unknown>);
    }
    return list;
  }
}

/** Feed tags of a document: fields `alliance_{kind}_{feed}` grouped by feed, then kind. */
export function tagMap(doc: Document): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(doc)) {
    const parts = name.split("_");
    if (parts.length !== 3 || parts[0] !== "alliance") continue;
    (out[parts[2]!] ??= {})[parts[1]!] = value;
  }
  return out;
}
