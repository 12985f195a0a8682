// A table-driven protobuf (proto2) decoder for the sensor events: reads the wire format straight
// from the received bytes into the plain objects the Event API hands out (64-bit integers as
// decimal strings, enums by name, hashes as hex, text bytes as strings), with no intermediate
// message objects and no copy of the body. The tables come from the schema's layout. What costs
// most is making strings, so each field keeps its last text, hex or wide decimal and hands it out
// again when the bytes are the same (events in a row mostly share their process and host).

import type { FieldLayout, SchemaLayout } from "./_protobuf.ts";

/** How a bytes field is handed out. */
export type BytesForm = "hex" | "text" | "raw";

/**
 * What the decoder does with one field: an `OP_*` code read in one switch, no closure (a class,
 * so that every field has one shape).
 */
class FieldPlan {
  readonly name: string;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32: the wire type the field must have. */
  readonly wire: number;
  readonly op: number;
  readonly repeated: boolean;
  /** The message plan of a message field. */
  sub: MessagePlan | undefined = undefined;
  /** The value names of an enum field: by number from 0, and all of them. */
  names: readonly (string | undefined)[] = NO_NAMES;
  namesMap: ReadonlyMap<number, string> | undefined = undefined;
  /**
   * The field's last ASCII text or hex value, and the last 64-bit value with its decimal text:
   * consecutive events mostly share their process and host, and comparing the bytes with the
   * last value costs less than making the string again.
   */
  lastText = "";
  lastHi = -1;
  lastLo = -1;
  lastDecimal = "";
  constructor(name: string, repeated: boolean, op: number, wire: number) {
    this.name = name;
    this.repeated = repeated;
    this.op = op;
    this.wire = wire;
  }
}

/** A message's plan: fields by number (an array, holes for unknown numbers), required names. */
interface MessagePlan {
  readonly name: string;
  readonly byId: (FieldPlan | undefined)[];
  readonly required: readonly string[];
}

const OP_INT32 = 0;
const OP_UINT32 = 1;
const OP_SINT32 = 2;
const OP_INT64 = 3;
const OP_UINT64 = 4;
const OP_BOOL = 5;
const OP_FIXED32 = 6;
const OP_SFIXED32 = 7;
const OP_FLOAT = 8;
const OP_FIXED64 = 9;
const OP_SFIXED64 = 10;
const OP_DOUBLE = 11;
const OP_TEXT = 12;
const OP_HEX = 13;
const OP_RAW = 14;
const OP_MESSAGE = 15;
const OP_ENUM = 16;

/** Scalar type name: its op and wire type. */
const SCALARS: ReadonlyMap<string, readonly [op: number, wire: number]> = new Map([
  ["int32", [OP_INT32, 0]],
  ["uint32", [OP_UINT32, 0]],
  ["sint32", [OP_SINT32, 0]],
  ["int64", [OP_INT64, 0]],
  ["uint64", [OP_UINT64, 0]],
  ["bool", [OP_BOOL, 0]],
  ["fixed32", [OP_FIXED32, 5]],
  ["sfixed32", [OP_SFIXED32, 5]],
  ["float", [OP_FLOAT, 5]],
  ["fixed64", [OP_FIXED64, 1]],
  ["sfixed64", [OP_SFIXED64, 1]],
  ["double", [OP_DOUBLE, 1]],
  ["string", [OP_TEXT, 2]],
]);

const BYTES_OPS: Readonly<Record<BytesForm, number>> = { hex: OP_HEX, text: OP_TEXT, raw: OP_RAW };

const UTF8 = new TextDecoder();
const TWO_32 = 4294967296;
const NO_NAMES: readonly string[] = [];
const SCRATCH = new DataView(new ArrayBuffer(8));

/** Hex digit pairs as character codes: `HEX_CODES[2b]`, `HEX_CODES[2b + 1]`. */
const HEX_CODES = new Uint16Array(512);
for (let b = 0; b < 256; b++) {
  HEX_CODES[2 * b] = "0123456789abcdef".charCodeAt(b >>> 4);
  HEX_CODES[2 * b + 1] = "0123456789abcdef".charCodeAt(b & 15);
}
/** Reused character-code arrays by length, for String.fromCharCode.apply. */
const CODES: number[][] = [];

// The cursor of the message being decoded. Decoding is synchronous and runs no outside code, so
// one module-level cursor serves every call (set at the start of each).
let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
let end = 0;
/** The high 32 bits of the last {@linkcode varint64}. */
let hi = 0;

function fail(what: string): never {
  throw new RangeError(`${what} at byte ${pos}`);
}

/** A varint of up to 32 significant bits (the rest is read and dropped), as uint32. */
function uint32(): number {
  if (pos < end) {
    const byte = buf[pos]!;
    if (byte < 0x80) {
      pos++;
      return byte;
    }
  }
  let value = 0;
  let shift = 0;
  while (true) {
    if (pos >= end) fail("truncated varint");
    const byte = buf[pos++]!;
    if (shift < 32) value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return value >>> 0;
    shift += 7;
    if (shift >= 70) fail("varint longer than 10 bytes");
  }
}

/** A varint: returns its low 32 bits (unsigned) and leaves the high 32 bits in `hi`. */
function varint64(): number {
  if (pos < end) {
    const byte = buf[pos]!;
    if (byte < 0x80) {
      pos++;
      hi = 0;
      return byte;
    }
  }
  let lo = 0;
  let high = 0;
  let shift = 0;
  while (true) {
    if (pos >= end) fail("truncated varint");
    const byte = buf[pos++]!;
    const bits = byte & 0x7f;
    if (shift < 28) lo |= bits << shift;
    else if (shift === 28) {
      lo |= bits << 28;
      high |= bits >>> 4;
    } else if (shift < 64) high |= bits << (shift - 32);
    if (byte < 0x80) {
      hi = high >>> 0;
      return lo >>> 0;
    }
    shift += 7;
    if (shift >= 70) fail("varint longer than 10 bytes");
  }
}

function fixed32(): number {
  if (pos + 4 > end) fail("truncated fixed32");
  const p = pos;
  pos += 4;
  return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
}

/** The start of a length-delimited field; moves past it. */
function span(): number {
  const len = uint32();
  const start = pos;
  if (len > end - start) fail("length beyond the message");
  pos = start + len;
  return start;
}

function skip(wire: number): void {
  switch (wire) {
    case 0:
      varint64();
      return;
    case 1:
      if (pos + 8 > end) fail("truncated fixed64");
      pos += 8;
      return;
    case 2:
      span();
      return;
    case 5:
      fixed32();
      return;
    default:
      fail(`unsupported wire type ${wire}`);
  }
}

/**
 * `hi * 2^32 + lo` at or above 2^53 in decimal, without BigInt: one long division by 10^7 over
 * the 16-bit limbs below `hi` keeps every intermediate under 2^53, and the quotient
 * (below 2^64 / 10^7) is an exact double.
 */
function wideDecimal(high: number, lo: number): string {
  const q2 = Math.floor(high / 1e7);
  let t = (high - q2 * 1e7) * 65536 + (lo >>> 16);
  const q1 = Math.floor(t / 1e7);
  t = (t - q1 * 1e7) * 65536 + (lo & 0xffff);
  const q0 = Math.floor(t / 1e7);
  const low = String(t - q0 * 1e7);
  return String(q2 * TWO_32 + q1 * 65536 + q0) + "0000000".slice(low.length) + low;
}

function unsigned64(lo: number, high: number): string {
  return high < 0x200000 ? String(high * TWO_32 + lo) : wideDecimal(high, lo);
}

function signed64(lo: number, high: number): string {
  if (high < 0x200000) return String(high * TWO_32 + lo);
  if (high < 0x80000000) return wideDecimal(high, lo);
  if (high >= 0xffe00000) {
    // small negative: -(2^64 - value), exact in a double down to -2^53
    return String(-((~high >>> 0) * TWO_32 + (~lo >>> 0) + 1));
  }
  // the magnitude (two's complement) is at least 2^53
  const nlo = (~lo + 1) >>> 0;
  return "-" + wideDecimal((~high + (nlo === 0 ? 1 : 0)) >>> 0, nlo);
}

/**
 * The bytes from `start` to `pos` as text: the field's last value when they are the same ASCII
 * bytes, ASCII directly, anything else through TextDecoder.
 */
function text(field: FieldPlan, start: number): string {
  const n = pos - start;
  const last = field.lastText;
  if (last.length === n && n > 0 && last.charCodeAt(n - 1) === buf[pos - 1]) {
    // `last` is ASCII only, so equal codes mean equal bytes; paths differ at the end, so that
    // byte is compared first
    let i = 0;
    while (i < n && last.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return last;
  }
  if (n > 64) return UTF8.decode(buf.subarray(start, pos));
  const codes = CODES[n] ?? (CODES[n] = new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const c = buf[start + i]!;
    if (c >= 0x80) return UTF8.decode(buf.subarray(start, pos));
    codes[i] = c;
  }
  return field.lastText = String.fromCharCode.apply(null, codes);
}

/** The bytes from `start` to `pos` as lowercase hex: the field's last value when the same. */
function hex(field: FieldPlan, start: number): string {
  const n = (pos - start) * 2;
  const last = field.lastText;
  if (last.length === n) {
    let j = 0;
    while (j < n) {
      const b = buf[start + (j >>> 1)]! * 2;
      if (last.charCodeAt(j) !== HEX_CODES[b] || last.charCodeAt(j + 1) !== HEX_CODES[b + 1]) break;
      j += 2;
    }
    if (j === n) return last;
  }
  if (n > 128) {
    let s = "";
    for (let i = start; i < pos; i++) {
      s += String.fromCharCode(HEX_CODES[2 * buf[i]!]!, HEX_CODES[2 * buf[i]! + 1]!);
    }
    return s;
  }
  const codes = CODES[n] ?? (CODES[n] = new Array<number>(n).fill(0));
  for (let j = 0; j < n; j += 2) {
    const b = buf[start + (j >>> 1)]! * 2;
    codes[j] = HEX_CODES[b]!;
    codes[j + 1] = HEX_CODES[b + 1]!;
  }
  return field.lastText = String.fromCharCode.apply(null, codes);
}

/** A 64-bit value in decimal: the field's last text when the value is the same. */
function decimal64(field: FieldPlan, lo: number, high: number, signed: boolean): string {
  if (high < 0x200000) return String(high * TWO_32 + lo);
  if (lo === field.lastLo && high === field.lastHi) return field.lastDecimal;
  field.lastLo = lo;
  field.lastHi = high;
  return field.lastDecimal = signed ? signed64(lo, high) : unsigned64(lo, high);
}

/** One value of a field whose wire type was checked. */
function readValue(field: FieldPlan): unknown {
  switch (field.op) {
    case OP_INT32:
      return varint64() | 0;
    case OP_UINT32:
      return uint32();
    case OP_SINT32: {
      const n = uint32();
      return (n >>> 1) ^ -(n & 1);
    }
    case OP_INT64: {
      const lo = varint64();
      return decimal64(field, lo, hi, true);
    }
    case OP_UINT64: {
      const lo = varint64();
      return decimal64(field, lo, hi, false);
    }
    case OP_BOOL:
      return varint64() !== 0 || hi !== 0;
    case OP_FIXED32:
      return fixed32();
    case OP_SFIXED32:
      return fixed32() | 0;
    case OP_FLOAT:
      SCRATCH.setUint32(0, fixed32(), true);
      return SCRATCH.getFloat32(0, true);
    case OP_FIXED64:
    case OP_SFIXED64:
    case OP_DOUBLE: {
      const lo = fixed32();
      const high = fixed32();
      if (field.op !== OP_DOUBLE) return decimal64(field, lo, high, field.op === OP_SFIXED64);
      SCRATCH.setUint32(0, lo, true);
      SCRATCH.setUint32(4, high, true);
      return SCRATCH.getFloat64(0, true);
    }
    case OP_TEXT:
      return text(field, span());
    case OP_HEX:
      return hex(field, span());
    case OP_RAW: {
      const start = span();
      // a plain Uint8Array view, also when the input is a Node.js Buffer
      return new Uint8Array(buf.buffer, buf.byteOffset + start, pos - start);
    }
    case OP_MESSAGE: {
      const start = span();
      const stop = pos;
      pos = start;
      return decodeMessage(field.sub!, stop);
    }
    default: {
      const n = varint64() | 0;
      const names = field.names;
      return (n >= 0 && n < names.length ? names[n] : field.namesMap?.get(n)) ?? n;
    }
  }
}

/** A decoder of one message type built from a schema layout. */
export interface WireDecoder {
  /**
   * Decodes one message.
   *
   * @param bytes The message bytes (read in place, never copied).
   * @returns The plain object.
   * @throws {RangeError} When the bytes are truncated or malformed.
   * @throws {TypeError} When a required field is missing.
   */
  decode(bytes: Uint8Array): Record<string, unknown>;
}

/**
 * Builds the decoder of one message type.
 *
 * @param layout The schema layout.
 * @param typeName The root message's full name.
 * @param bytesForm How each bytes field is handed out, by field name.
 * @returns The decoder.
 */
export function wireDecoder(
  layout: SchemaLayout,
  typeName: string,
  bytesForm: (field: string) => BytesForm,
): WireDecoder {
  const plans = new Map<string, MessagePlan>();
  const planFor = (name: string): MessagePlan => {
    const known = plans.get(name);
    if (known) return known;
    const fields = layout.messages.get(name);
    if (!fields) throw new TypeError(`No message ${name} in the schema`);
    const byId: (FieldPlan | undefined)[] = [];
    const plan: MessagePlan = {
      name,
      byId,
      required: fields.filter((f) => f.required).map((f) => f.name),
    };
    plans.set(name, plan);
    const top = Math.max(0, ...fields.map((f) => f.id));
    for (let id = 0; id <= top; id++) byId.push(undefined); // a packed array, no holes
    for (const f of fields) byId[f.id] = fieldPlan(f);
    return plan;
  };
  const fieldPlan = (f: FieldLayout): FieldPlan => {
    const { name, repeated } = f;
    if (f.kind === "message") {
      const plan = new FieldPlan(name, repeated, OP_MESSAGE, 2);
      plan.sub = planFor(f.typeName!); // after: a message may contain itself
      return plan;
    }
    if (f.kind === "enum") {
      const plan = new FieldPlan(name, repeated, OP_ENUM, 0);
      const namesMap = layout.enums.get(f.typeName!) ?? new Map<number, string>();
      const names: (string | undefined)[] = [];
      for (const [n, value] of namesMap) {
        if (n >= 0 && n < 256) {
          while (names.length <= n) names.push(undefined);
          names[n] = value;
        }
      }
      plan.names = names;
      plan.namesMap = namesMap;
      return plan;
    }
    if (f.kind === "bytes") return new FieldPlan(name, repeated, BYTES_OPS[bytesForm(name)], 2);
    const scalar = SCALARS.get(f.kind);
    if (!scalar) throw new TypeError(`Unsupported protobuf field type ${f.kind}`);
    return new FieldPlan(name, repeated, scalar[0], scalar[1]);
  };
  const root = planFor(typeName);
  return {
    decode: (bytes) => {
      buf = bytes;
      pos = 0;
      end = bytes.byteLength;
      try {
        return decodeMessage(root, end);
      } finally {
        buf = EMPTY; // keep no message alive
      }
    },
  };
}

const EMPTY = new Uint8Array(0);

/** Decodes the message from `pos` to `stop`; leaves `pos` at `stop` and `end` as it found it. */
function decodeMessage(plan: MessagePlan, stop: number): Record<string, unknown> {
  const outer = end;
  end = stop;
  const byId = plan.byId;
  const out: Record<string, unknown> = {};
  while (pos < stop) {
    const tag = uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) fail("field number 0");
    const field = id < byId.length ? byId[id] : undefined;
    if (field === undefined) {
      skip(wire);
      continue;
    }
    if (field.repeated) {
      let list = out[field.name] as unknown[] | undefined;
      if (list === undefined) out[field.name] = list = [];
      if (wire === 2 && field.wire !== 2) {
        // packed scalars
        const start = span();
        const after = pos;
        pos = start;
        end = after;
        while (pos < after) list.push(readValue(field));
        end = stop;
      } else if (wire === field.wire) list.push(readValue(field));
      else fail(`wire type ${wire} for field ${plan.name}.${field.name}`);
      continue;
    }
    if (wire !== field.wire) fail(`wire type ${wire} for field ${plan.name}.${field.name}`);
    const value = readValue(field);
    const prev = field.op === OP_MESSAGE ? out[field.name] : undefined;
    // proto2: a message field seen twice is merged, a scalar takes the last value
    out[field.name] = prev !== undefined && typeof prev === "object"
      ? { ...prev, ...(value as Record<string, unknown>) }
      : value;
  }
  for (const name of plan.required) {
    if (!(name in out)) throw new TypeError(`${plan.name} is missing its required field "${name}"`);
  }
  end = outer;
  return out;
}
