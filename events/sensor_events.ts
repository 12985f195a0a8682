/**
 * Raw sensor events: Carbon Black's `CbEventMsg` protobuf schema of the `ingress.event.*`
 * routing keys, embedded as text ({@linkcode SENSOR_EVENTS_PROTO}, the same text as
 * `events/sensor_events.proto`), with a decoder that turns a message into a plain object and an
 * encoder for tests and replay tools.
 *
 * Decoded objects keep the schema's field names; 64-bit integers (FILETIME timestamps, GUIDs) are
 * decimal strings, enums are names, the hash fields (`md5hash`, `sha256hash`, `process_md5`,
 * `blockedmd5Hash`, ...) are lowercase hex strings, the text held in bytes fields
 * (`utf8_regpath`, `utf8_netpath`, `utf8string`, `commandline`) is decoded as UTF-8, and the
 * binary `Icon` and `ImageFileHeader` of module info stay bytes.
 *
 * @module
 */

import { type MessageCodec, messageCodec, type SchemaLayout, schemaLayout } from "./_protobuf.ts";
import { type BytesForm, type WireDecoder, wireDecoder } from "./_wire.ts";
import type { SensorEvent } from "./sensor_event_types.ts";
import { SENSOR_EVENTS_PROTO } from "./sensor_events_proto.ts";

export type { SensorEvent } from "./sensor_event_types.ts";
export { SENSOR_EVENTS_PROTO } from "./sensor_events_proto.ts";

/** Bytes fields that hold text. */
const TEXT_FIELDS: ReadonlySet<string> = new Set([
  "utf8_regpath",
  "utf8_netpath",
  "utf8string",
  "commandline",
]);

/** Bytes fields that hold binary data other than a hash. */
const RAW_FIELDS: ReadonlySet<string> = new Set(["Icon", "ImageFileHeader"]);

function bytesForm(field: string): BytesForm {
  return TEXT_FIELDS.has(field) ? "text" : RAW_FIELDS.has(field) ? "raw" : "hex";
}

/**
 * The names of the file type codes in `filemod.type` (`CbFileModMsg.CbFileType`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FILE_TYPE_NAMES } from "@cbapi/cbapi/events";
 * assert.equal(FILE_TYPE_NAMES.get(1), "filetypePe");
 * ```
 */
export const FILE_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "filetypeUnknown"],
  [1, "filetypePe"],
  [2, "filetypeElf"],
  [3, "filetypeUniversalBin"],
  [8, "filetypeEicar"],
  [16, "filetypeOfficeLegacy"],
  [17, "filetypeOfficeOpenXml"],
  [48, "filetypePdf"],
  [64, "filetypeArchivePkzip"],
  [65, "filetypeArchiveLzh"],
  [66, "filetypeArchiveLzw"],
  [67, "filetypeArchiveRar"],
  [68, "filetypeArchiveTar"],
  [69, "filetypeArchive7zip"],
]);

interface Codecs {
  layout: SchemaLayout;
  decoder: WireDecoder;
  encoder: MessageCodec;
}

let codecs: Codecs | undefined;

function eventCodecs(): Codecs {
  if (!codecs) {
    const layout = schemaLayout(SENSOR_EVENTS_PROTO);
    codecs = {
      layout,
      decoder: wireDecoder(layout, "CbEventMsg", bytesForm),
      encoder: messageCodec(SENSOR_EVENTS_PROTO, "CbEventMsg"),
    };
  }
  return codecs;
}

const HEX_REGEXP = /^(?:[0-9a-fA-F]{2})*$/;

function fromHex(text: string, field: string): Uint8Array {
  if (!HEX_REGEXP.test(text)) {
    throw new TypeError(`Cannot encode field "${field}": ${JSON.stringify(text)} is not hex`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Turns the decoded form back into what the protobuf encoder takes (bytes as Uint8Array). */
function encodable(layout: SchemaLayout, message: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const fields = layout.messages.get(message) ?? [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const f = fields.find((x) => x.name === k);
    const one = (item: unknown): unknown => {
      if (f?.kind === "message") return encodable(layout, f.typeName!, item);
      if (f?.kind !== "bytes" || typeof item !== "string") return item;
      return bytesForm(k) === "text" ? new TextEncoder().encode(item) : fromHex(item, k);
    };
    out[k] = Array.isArray(v) ? v.map(one) : one(v);
  }
  return out;
}

/**
 * Decodes a raw sensor event (the body of an `ingress.event.*` message). The bytes are read in
 * place: strings and hex are made from them directly, and `Icon` / `ImageFileHeader` are views of
 * them (copy those if the buffer is reused). Fields a newer sensor adds are skipped.
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
  try {
    return eventCodecs().decoder.decode(bytes) as SensorEvent;
  } catch (cause) {
    throw new SyntaxError(
      `Cannot decode a ${bytes.byteLength}-byte sensor event as CbEventMsg: ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/**
 * Encodes a raw sensor event from the plain-object form {@linkcode decodeSensorEvent} returns
 * (hash fields as hex strings, text fields as strings, `Icon` / `ImageFileHeader` as bytes,
 * 64-bit integers as numbers or decimal strings, enums by name or number).
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
  const { layout, encoder } = eventCodecs();
  return encoder.encode(encodable(layout, "CbEventMsg", event) as Record<string, unknown>);
}
