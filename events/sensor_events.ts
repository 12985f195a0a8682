/**
 * Raw sensor events: the `CbEventMsg` protobuf schema of the `ingress.event.*` routing keys,
 * embedded as text (the same text as `events/sensor_events.proto`), with a decoder that turns a
 * message into a plain object and an encoder for tests and replay tools.
 *
 * Decoded objects keep the schema's field names; 64-bit integers (FILETIME timestamps, GUIDs) are
 * decimal strings, enums are names, the hash fields (`md5hash`, `sha256hash`, `process_md5`, ...)
 * are lowercase hex strings, and the text held in bytes fields (`utf8_regpath`, `utf8_netpath`,
 * `utf8string`, `commandline`) is decoded as UTF-8.
 *
 * @module
 */

import { type MessageCodec, messageCodec } from "./_protobuf.ts";

/** The `.proto` text of the sensor events (proto2; message `CbEventMsg`). */
export const SENSOR_EVENTS_PROTO: string =
  `// Raw Cb Response sensor events (routing keys ingress.event.*): the CbEventMsg message and the
// parts of it that the documentation describes. Field numbers are the wire's; fields this schema
// leaves out are skipped when decoding. Kept identical to SENSOR_EVENTS_PROTO in
// events/sensor_events.ts (a test checks it).
syntax = "proto2";

message CbHeaderMsg {
  required int32 version = 1;
  optional int32 bootid = 2;
  optional int32 eventid = 3;
  optional int64 timestamp = 4;                      // FILETIME
  optional int64 process_guid = 5;
  optional int64 filepath_string_guid = 6;           // key into CbEventMsg.strings
  optional uint32 magic = 7;
  optional int64 process_filepath_string_guid = 8;
  optional int64 process_create_time = 9;            // FILETIME
  optional int32 process_pid = 10;
  optional bytes process_md5 = 11;
  optional string process_path = 12;
  optional int32 fork_pid = 13;
  optional bytes process_sha256 = 14;
}

message CbStringMsg {
  enum CbStringType {
    typeFilepath = 1;
    typeRegpath = 2;
    typeNetpath = 3;
  }
  optional int64 guid = 1;
  optional bytes utf8string = 2;
  optional CbStringType string_type = 3;
}

message CbProcessMsg {
  optional int32 pid = 1;
  optional bool created = 2;                         // false: the process exits
  optional int32 parent_pid = 3;
  optional int64 parent_create_time = 4;
  optional int64 parent_guid = 5;
  optional bytes md5hash = 6;
  optional bool have_seen_before = 7;
  optional bytes commandline = 9;
  optional bytes parent_md5 = 10;
  optional string parent_path = 11;
  optional bool creationobserved = 12;
  optional bool expect_followon_w_md5 = 13;
  optional string uid = 14;
  optional string username = 15;
  optional bytes sha256hash = 19;
  optional bytes parent_sha256 = 20;
}

message CbChildProcessMsg {
  enum CbChildProcType {
    childProcExec = 0;
    childProcFork = 1;
    childProcOtherExec = 2;
  }
  optional bool created = 1;
  optional int64 parent_guid = 2;
  optional bytes md5hash = 3;
  optional int64 child_guid = 4;
  optional string path = 5;
  optional int64 pid = 6;
  optional int64 create_time = 7;
  optional bool tamper = 8;
  optional bytes commandline = 10;
  optional string username = 11;
  optional CbChildProcType childProcType = 12;
  optional bool tamper_sent = 13;
  optional bytes sha256hash = 14;
}

message CbModuleLoadMsg {
  optional int64 guid = 1;
  optional int64 handlepath_string_guid = 2;         // key into CbEventMsg.strings
  optional bytes md5hash = 3;
  optional int32 scanid = 4;
  optional bool is_process_base_module = 5;
  optional int64 image_base = 6;
  optional uint32 image_size = 7;
  optional bytes sha256hash = 8;
}

message CbFileModMsg {
  enum CbFileModAction {
    actionFileModCreate = 1;
    actionFileModWrite = 2;
    actionFileModDelete = 4;
    actionFileModLastWrite = 8;
    actionFileModOpen = 16;
  }
  optional int64 guid = 1;
  optional CbFileModAction action = 2;
  optional bool have_seen_before = 3;
  optional bytes md5hash = 4;
  optional int32 type = 5;                           // file type code (PE = 1, ELF = 2, ...)
  optional bool tamper = 6;
  optional bool tamper_sent = 7;
  optional bytes sha256hash = 8;
}

message CbRegModMsg {
  enum CbRegModAction {
    actionRegModCreateKey = 1;
    actionRegModWriteValue = 2;
    actionRegModDeleteKey = 4;
    actionRegModDeleteValue = 8;
  }
  optional int64 guid = 1;
  optional CbRegModAction action = 2;
  optional bool have_seen_before = 3;
  optional bytes utf8_regpath = 4;                   // key path, value name appended for values
  optional bool tamper = 5;
  optional bool tamper_sent = 6;
}

message CbNetConnMsg {
  enum ProtocolType {
    ProtoTcp = 6;
    ProtoUdp = 17;
  }
  optional int64 guid = 1;
  optional uint32 ipv4Address = 2;
  optional uint64 ipv6LoPart = 3;
  optional uint64 ipv6HiPart = 4;
  optional uint32 port = 5;
  optional ProtocolType protocol = 6;
  optional bytes utf8_netpath = 7;
  optional bool outbound = 8;
  optional bool proxyConnection = 9;
  optional uint32 proxyIpv4Address = 10;
  optional uint32 proxyPort = 11;
  optional string proxyNetPath = 12;
  optional uint32 remoteIpAddress = 13;
  optional uint32 remotePort = 14;
  optional uint32 localIpAddress = 15;
  optional uint32 localPort = 16;
}

message CbIpAddr {
  optional bool bIsIpv6 = 1;
  optional uint32 ipv4Address = 2;
  optional uint64 ipv6Low = 3;
  optional uint64 ipv6High = 4;
  optional string ipv6Scope = 5;
}

message CbNetConnMsgv2 {
  optional int32 protocol = 1;                       // 6 TCP, 17 UDP
  optional bytes utf8_netpath = 2;
  optional bool outbound = 3;
  optional bool proxyConnection = 4;
  optional CbIpAddr proxyIpAddress = 5;
  optional uint32 proxyPort = 6;
  optional string proxyNetPath = 7;
  optional CbIpAddr remoteIpAddress = 8;
  optional uint32 remotePort = 9;
  optional CbIpAddr localIpAddress = 10;
  optional uint32 localPort = 11;
}

message CbCrossProcessOpenMsg {
  enum OpenType {
    OpenProcessHandle = 1;
    OpenThreadHandle = 2;
  }
  optional OpenType type = 1;
  optional uint32 targetPid = 2;
  optional uint64 targetProcCreateTime = 3;
  optional uint32 requestedAccess = 4;
  optional string targetProcPath = 5;
  optional bytes targetProcMd5 = 6;
  optional bytes targetProcSha256 = 7;
}

message CbCreateRemoteThreadMsg {
  optional uint32 remoteProcPid = 1;
  optional uint64 remoteProcCreateTime = 2;
  optional string remoteProcPath = 3;
  optional bytes remoteProcMd5 = 4;
  optional bytes remoteProcSha256 = 5;
}

message CbCrossProcessMsg {
  optional CbCrossProcessOpenMsg open = 1;
  optional CbCreateRemoteThreadMsg remotethread = 2;
  optional bool tamper = 3;
  optional bool isTarget = 4;
  optional bool tamper_sent = 5;
}

message CbModuleInfoMsg {
  optional bytes md5 = 1;
  optional uint32 CopiedModuleLength = 2;
  optional uint64 OriginalModuleLength = 3;
  optional string utf8_FileDescription = 4;
  optional string utf8_CompanyName = 5;
  optional string utf8_ProductName = 6;
  optional string utf8_FileVersion = 7;
  optional string utf8_InternalName = 11;
  optional string utf8_OriginalFileName = 12;
  optional string utf8_ProductVersion = 14;
  optional string utf8_DigSig_Publisher = 17;
  optional string utf8_DigSig_Result = 21;
  optional string utf8_OnDiskFilename = 26;
  optional bytes sha256 = 27;
}

message CbEndpointEnvironmentMsg {
  optional int32 SensorId = 1;
  optional string SensorHostName = 2;
  optional int64 HostId = 3;
}

message CbServerEnvironmentMsg {
  optional int32 NodeId = 1;
}

message CbEnvironmentMsg {
  optional CbEndpointEnvironmentMsg endpoint = 1;
  optional CbServerEnvironmentMsg server = 2;
}

message CbTamperAlertMsg {
  enum CbTamperAlertType {
    AlertCoreDriverUnloaded = 1;
    AlertNetworkDriverUnloaded = 2;
    AlertCbServiceStopped = 3;
    AlertCbProcessTerminated = 4;
    AlertCbCodeInjection = 5;
  }
  optional CbTamperAlertType type = 1;
  optional bool tamper_sent = 2;
}

message CbEventMsg {
  required CbHeaderMsg header = 1;
  repeated CbStringMsg strings = 2;
  optional CbProcessMsg process = 3;
  optional CbModuleLoadMsg modload = 4;
  optional CbFileModMsg filemod = 5;
  optional CbNetConnMsg network = 6;
  optional CbRegModMsg regmod = 7;
  optional CbModuleInfoMsg module = 9;
  optional CbChildProcessMsg childproc = 12;
  optional CbEnvironmentMsg env = 13;                // filled in by the server
  optional CbCrossProcessMsg crossproc = 14;
  optional CbTamperAlertMsg tamperAlert = 15;
  optional CbNetConnMsgv2 networkv2 = 20;
}
`;

/** Bytes fields that hold text. */
const TEXT_FIELDS: ReadonlySet<string> = new Set([
  "utf8_regpath",
  "utf8_netpath",
  "utf8string",
  "commandline",
]);

/** Bytes fields that hold a hash. */
const HASH_FIELDS: ReadonlySet<string> = new Set([
  "md5hash",
  "sha256hash",
  "process_md5",
  "process_sha256",
  "parent_md5",
  "parent_sha256",
  "targetProcMd5",
  "targetProcSha256",
  "remoteProcMd5",
  "remoteProcSha256",
  "md5",
  "sha256",
]);

/** A decoded raw sensor event; the common parts are typed, the rest is reachable by name. */
export interface SensorEvent {
  /** Version, timestamps and the acting process. */
  header: {
    version: number;
    timestamp?: string;
    process_pid?: number;
    process_create_time?: string;
    process_md5?: string;
    process_path?: string;
    [field: string]: unknown;
  };
  /** Strings referenced by GUID from the other parts. */
  strings?: { guid?: string; utf8string?: string; string_type?: string }[];
  /** Registry modification (`ingress.event.regmod`). */
  regmod?: { action?: string; utf8_regpath?: string; [field: string]: unknown };
  /** Where the event came from, filled in by the server. */
  env?: {
    endpoint?: { SensorId?: number; SensorHostName?: string; HostId?: string };
    server?: { NodeId?: number };
  };
  /** Further parts: process, modload, filemod, network, childproc, crossproc, ... */
  [part: string]: unknown;
}

let codec: MessageCodec | undefined;

function eventCodec(): MessageCodec {
  codec ??= messageCodec(SENSOR_EVENTS_PROTO, "CbEventMsg");
  return codec;
}

const HEX_REGEXP = /^(?:[0-9a-fA-F]{2})*$/;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text: string, field: string): Uint8Array {
  if (!HEX_REGEXP.test(text)) {
    throw new TypeError(`Cannot encode field "${field}": ${JSON.stringify(text)} is not hex`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function mapFields(
  value: unknown,
  leaf: (field: string, v: unknown) => unknown,
): unknown {
  if (Array.isArray(value)) return value.map((v) => mapFields(v, leaf));
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = TEXT_FIELDS.has(k) || HASH_FIELDS.has(k) ? leaf(k, v) : mapFields(v, leaf);
  }
  return out;
}

/**
 * Decodes a raw sensor event (the body of an `ingress.event.*` message).
 *
 * @param bytes The protobuf bytes.
 * @returns The event as a plain object.
 * @throws {SyntaxError} When the bytes are not a `CbEventMsg` (truncated, wrong wire types, or
 * no header).
 *
 * @example Decode what encodeSensorEvent made
 * ```ts
 * import { decodeSensorEvent, encodeSensorEvent } from "@cbapi/cbapi/events";
 * import assert from "node:assert/strict";
 * const bytes = encodeSensorEvent({
 *   header: { version: 4, process_pid: 1234 },
 *   regmod: { action: "actionRegModWriteValue", utf8_regpath: "\\registry\\machine\\software\\run\\evil" },
 *   env: { endpoint: { SensorId: 7, SensorHostName: "WIN-IA9NQ1GN8OI" } },
 * });
 * const ev = decodeSensorEvent(bytes);
 * assert.equal(ev.env?.endpoint?.SensorId, 7);
 * assert.equal(ev.regmod?.utf8_regpath, "\\registry\\machine\\software\\run\\evil");
 * ```
 */
export function decodeSensorEvent(bytes: Uint8Array): SensorEvent {
  let decoded: Record<string, unknown>;
  try {
    decoded = eventCodec().decode(bytes);
  } catch (cause) {
    throw new SyntaxError(
      `Cannot decode a ${bytes.byteLength}-byte sensor event as CbEventMsg: ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const text = new TextDecoder();
  return mapFields(decoded, (field, v) => {
    if (!(v instanceof Uint8Array)) return v;
    return TEXT_FIELDS.has(field) ? text.decode(v) : hex(v);
  }) as SensorEvent;
}

/**
 * Encodes a raw sensor event from the plain-object form {@linkcode decodeSensorEvent} returns
 * (hash fields as hex strings, text fields as strings, 64-bit integers as numbers or strings).
 *
 * @param event The event; `header.version` is required.
 * @returns The protobuf bytes.
 * @throws {TypeError} When a field has the wrong type or a hash is not hex.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeSensorEvent } from "@cbapi/cbapi/events";
 * const bytes = encodeSensorEvent({ header: { version: 4 } });
 * assert.ok(bytes.byteLength > 0);
 * ```
 */
export function encodeSensorEvent(event: SensorEvent | Record<string, unknown>): Uint8Array {
  const text = new TextEncoder();
  const plain = mapFields(event, (field, v) => {
    if (typeof v !== "string") return v;
    return TEXT_FIELDS.has(field) ? text.encode(v) : fromHex(v, field);
  }) as Record<string, unknown>;
  return eventCodec().encode(plain);
}
