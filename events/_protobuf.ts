// The one module that imports the protobuf package: parses a schema given as text, encodes one
// message type from plain objects, and describes the schema's messages (field numbers, types,
// enum names) for the decoder of events/_wire.ts.

import protobuf from "protobufjs";

/** A message type of a parsed schema. */
export interface MessageCodec {
  /**
   * Encodes a plain object (64-bit integers as numbers or decimal strings, enums by name or
   * number, bytes as Uint8Array).
   *
   * @param value The message as a plain object.
   * @returns The encoded bytes.
   * @throws {TypeError} When a field is invalid.
   */
  encode(value: Record<string, unknown>): Uint8Array;
}

/** How one field is declared. */
export interface FieldLayout {
  /** Field number. */
  readonly id: number;
  /** Field name, as in the schema. */
  readonly name: string;
  /** Scalar type name (`int32`, `bytes`, ...), or `message` / `enum`. */
  readonly kind: string;
  /** For `message` and `enum`: the full type name (`CbEventMsg.Foo` without the leading dot). */
  readonly typeName: string | undefined;
  /** Repeated field. */
  readonly repeated: boolean;
  /** Required field (proto2). */
  readonly required: boolean;
}

/** A parsed schema: its messages' fields and its enums' value names. */
export interface SchemaLayout {
  /** Fields by message full name. */
  readonly messages: ReadonlyMap<string, readonly FieldLayout[]>;
  /** Value names by number, by enum full name (the first name of a number wins). */
  readonly enums: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

function fullName(t: { fullName: string }): string {
  return t.fullName.replace(/^\./, "");
}

/**
 * Parses a `.proto` text and describes every message and enum in it.
 *
 * @param schema The `.proto` text.
 * @returns The layout.
 */
export function schemaLayout(schema: string): SchemaLayout {
  const root = protobuf.parse(schema, { keepCase: true }).root;
  root.resolveAll();
  const messages = new Map<string, FieldLayout[]>();
  const enums = new Map<string, Map<number, string>>();
  const visit = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        messages.set(
          fullName(nested),
          nested.fieldsArray.map((f) => {
            const rt = f.resolvedType;
            const kind = rt instanceof protobuf.Type
              ? "message"
              : rt instanceof protobuf.Enum
              ? "enum"
              : f.type;
            return {
              id: f.id,
              name: f.name,
              kind,
              typeName: rt ? fullName(rt) : undefined,
              repeated: f.repeated,
              required: f.required,
            };
          }),
        );
      } else if (nested instanceof protobuf.Enum) {
        const names = new Map<number, string>();
        for (const [name, value] of Object.entries(nested.values)) {
          if (!names.has(value)) names.set(value, name);
        }
        enums.set(fullName(nested), names);
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return { messages, enums };
}

/**
 * Parses a `.proto` text and returns the encoder of one of its message types.
 *
 * @param schema The `.proto` text.
 * @param typeName The message name.
 * @returns The codec.
 */
export function messageCodec(schema: string, typeName: string): MessageCodec {
  const root = protobuf.parse(schema, { keepCase: true }).root;
  const type = root.lookupType(typeName);
  return {
    encode(value) {
      try {
        return type.encode(type.fromObject(value)).finish();
      } catch (cause) {
        throw new TypeError(`Cannot encode ${typeName}: ${String(cause)}`, { cause });
      }
    },
  };
}
