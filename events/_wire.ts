// A table-driven protobuf (proto2) decoder for the sensor events: reads the wire format straight
// from the received bytes into the plain objects the Event API hands out (64-bit integers as
// decimal strings, enums by name, hashes as hex, text bytes as strings), with no intermediate
// message objects and no copy of the body. The tables come from the schema's layout.

import type { FieldLayout, SchemaLayout } from "./_protobuf.ts";

/** How a bytes field is handed out. */
export type BytesForm = "hex" | "text" | "raw";

/** What the decoder does with one field. */
interface FieldPlan {
  readonly name: string;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32: the wire type the field must have. */
  readonly wire: number;
  readonly read: (r: Reader) => unknown;
  readonly repeated: boolean;
}

/** A message's plan: fields by number, and the required field names. */
interface MessagePlan {
  readonly name: string;
  readonly byId: Map<number, FieldPlan>;
  readonly required: readonly string[];
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const UTF8 = new TextDecoder();
const TWO_32 = 4294967296;

/** A cursor over the bytes of one message. */
class Reader {
  buf: Uint8Array;
  pos: number;
  end: number;
  constructor(buf: Uint8Array, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  fail(what: string): never {
    throw new RangeError(`${what} at byte ${this.pos}`);
  }

  /** A varint of up to 32 significant bits (the rest is read and dropped), as uint32. */
  uint32(): number {
    const b = this.buf;
    let value = 0;
    let shift = 0;
    while (true) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const byte = b[this.pos++]!;
      if (shift < 32) value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value >>> 0;
      shift += 7;
      if (shift >= 70) this.fail("varint longer than 10 bytes");
    }
  }

  /** The high 32 bits of the last {@linkcode Reader.varint64}. */
  hi = 0;

  /** A varint: returns its low 32 bits (unsigned) and leaves the high 32 bits in `hi`. */
  varint64(): number {
    const b = this.buf;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    while (true) {
      if (this.pos >= this.end) this.fail("truncated varint");
      const byte = b[this.pos++]!;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else if (shift < 64) hi |= bits << (shift - 32);
      if (byte < 0x80) {
        this.hi = hi >>> 0;
        return lo >>> 0;
      }
      shift += 7;
      if (shift >= 70) this.fail("varint longer than 10 bytes");
    }
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) this.fail("truncated fixed32");
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** The bounds of a length-delimited field; moves past it. */
  span(): number {
    const len = this.uint32();
    const start = this.pos;
    if (len > this.end - start) this.fail("length beyond the message");
    this.pos = start + len;
    return start;
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint64();
        return;
      case 1:
        if (this.pos + 8 > this.end) this.fail("truncated fixed64");
        this.pos += 8;
        return;
      case 2:
        this.span();
        return;
      case 5:
        this.fixed32();
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }
}

function unsigned64(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function signed64(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  if (hi >= 0xffe00000) {
    // small negative: -(2^64 - value), exact in a double below 2^53
    return String(-((~hi >>> 0) * TWO_32 + (~lo >>> 0) + 1));
  }
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

function hex(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += HEX[b[i]!];
  return s;
}

function scalarReader(kind: string): { wire: number; read: (r: Reader) => unknown } {
  switch (kind) {
    case "int32":
      return { wire: 0, read: (r) => r.varint64() | 0 };
    case "uint32":
      return { wire: 0, read: (r) => r.uint32() };
    case "sint32":
      return {
        wire: 0,
        read: (r) => {
          const n = r.uint32();
          return (n >>> 1) ^ -(n & 1);
        },
      };
    case "int64":
      return {
        wire: 0,
        read: (r) => {
          const lo = r.varint64();
          return signed64(lo, r.hi);
        },
      };
    case "uint64":
      return {
        wire: 0,
        read: (r) => {
          const lo = r.varint64();
          return unsigned64(lo, r.hi);
        },
      };
    case "bool":
      return {
        wire: 0,
        read: (r) => r.varint64() !== 0 || r.hi !== 0,
      };
    case "fixed32":
      return { wire: 5, read: (r) => r.fixed32() };
    case "sfixed32":
      return { wire: 5, read: (r) => r.fixed32() | 0 };
    case "float":
      return {
        wire: 5,
        read: (r) => {
          const p = r.pos;
          r.fixed32();
          return new DataView(r.buf.buffer, r.buf.byteOffset + p, 4).getFloat32(0, true);
        },
      };
    case "fixed64":
    case "sfixed64":
    case "double":
      return {
        wire: 1,
        read: (r) => {
          const lo = r.fixed32();
          const hi = r.fixed32();
          if (kind === "double") {
            return new DataView(r.buf.buffer, r.buf.byteOffset + r.pos - 8, 8).getFloat64(0, true);
          }
          return kind === "fixed64" ? unsigned64(lo, hi) : signed64(lo, hi);
        },
      };
    case "string":
      return {
        wire: 2,
        read: (r) => {
          const start = r.span();
          return UTF8.decode(r.buf.subarray(start, r.pos));
        },
      };
    default:
      throw new TypeError(`Unsupported protobuf field type ${kind}`);
  }
}

function bytesReader(form: BytesForm): (r: Reader) => unknown {
  if (form === "hex") {
    return (r) => {
      const start = r.span();
      return hex(r.buf, start, r.pos);
    };
  }
  if (form === "text") {
    return (r) => {
      const start = r.span();
      return UTF8.decode(r.buf.subarray(start, r.pos));
    };
  }
  return (r) => {
    const start = r.span();
    // a plain Uint8Array view, also when the input is a Node.js Buffer
    return new Uint8Array(r.buf.buffer, r.buf.byteOffset + start, r.pos - start);
  };
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
    const byId = new Map<number, FieldPlan>();
    const plan: MessagePlan = {
      name,
      byId,
      required: fields.filter((f) => f.required).map((f) => f.name),
    };
    plans.set(name, plan);
    for (const f of fields) byId.set(f.id, fieldPlan(f));
    return plan;
  };
  const fieldPlan = (f: FieldLayout): FieldPlan => {
    if (f.kind === "message") {
      const sub = planFor(f.typeName!);
      return {
        name: f.name,
        wire: 2,
        repeated: f.repeated,
        read: (r) => {
          const start = r.span();
          return decodeMessage(sub, r.buf, start, r.pos);
        },
      };
    }
    if (f.kind === "enum") {
      const names = layout.enums.get(f.typeName!) ?? new Map<number, string>();
      return {
        name: f.name,
        wire: 0,
        repeated: f.repeated,
        read: (r) => {
          const n = r.varint64() | 0;
          return names.get(n) ?? n;
        },
      };
    }
    if (f.kind === "bytes") {
      return { name: f.name, wire: 2, repeated: f.repeated, read: bytesReader(bytesForm(f.name)) };
    }
    return { name: f.name, repeated: f.repeated, ...scalarReader(f.kind) };
  };
  const root = planFor(typeName);
  return { decode: (bytes) => decodeMessage(root, bytes, 0, bytes.byteLength) };
}

function decodeMessage(
  plan: MessagePlan,
  buf: Uint8Array,
  start: number,
  end: number,
): Record<string, unknown> {
  const r = new Reader(buf, start, end);
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) r.fail("field number 0");
    const field = plan.byId.get(id);
    if (field === undefined) {
      r.skip(wire);
      continue;
    }
    if (field.repeated) {
      let list = out[field.name] as unknown[] | undefined;
      if (list === undefined) out[field.name] = list = [];
      if (wire === 2 && field.wire !== 2) {
        // packed scalars
        const s = r.span();
        const sub = new Reader(buf, s, r.pos);
        while (sub.pos < sub.end) list.push(field.read(sub));
      } else if (wire === field.wire) list.push(field.read(r));
      else r.fail(`wire type ${wire} for field ${plan.name}.${field.name}`);
      continue;
    }
    if (wire !== field.wire) r.fail(`wire type ${wire} for field ${plan.name}.${field.name}`);
    const value = field.read(r);
    const prev = out[field.name];
    // proto2: a message field seen twice is merged, a scalar takes the last value
    out[field.name] =
      prev !== undefined && typeof prev === "object" && !(prev instanceof Uint8Array) &&
        value !== null && typeof value === "object" && !(value instanceof Uint8Array)
        ? { ...prev, ...value }
        : value;
  }
  for (const name of plan.required) {
    if (!(name in out)) throw new TypeError(`${plan.name} is missing its required field "${name}"`);
  }
  return out;
}
