// The one module that imports the protobuf package: parses a schema given as text and decodes or
// encodes one message type as plain objects (64-bit integers as decimal strings, enums by name,
// bytes as Uint8Array).

import protobuf from "protobufjs";

/** A message type of a parsed schema. */
export interface MessageCodec {
  /**
   * Decodes bytes into a plain object.
   *
   * @param bytes The encoded message.
   * @returns The message as a plain object.
   * @throws {Error} When the bytes are not a valid message of this type.
   */
  decode(bytes: Uint8Array): Record<string, unknown>;
  /**
   * Encodes a plain object.
   *
   * @param value The message as a plain object.
   * @returns The encoded bytes.
   * @throws {Error} When a field is invalid.
   */
  encode(value: Record<string, unknown>): Uint8Array;
}

/**
 * Parses a `.proto` text and returns the codec of one of its message types.
 *
 * @param schema The `.proto` text.
 * @param typeName The message name.
 * @returns The codec.
 */
export function messageCodec(schema: string, typeName: string): MessageCodec {
  const root = protobuf.parse(schema, { keepCase: true }).root;
  const type = root.lookupType(typeName);
  return {
    decode(bytes) {
      const message = type.decode(bytes);
      return type.toObject(message, { longs: String, enums: String, bytes: Uint8Array }) as Record<
        string,
        unknown
      >;
    },
    encode(value) {
      try {
        return type.encode(type.fromObject(value)).finish();
      } catch (cause) {
        throw new TypeError(`Cannot encode ${typeName}: ${String(cause)}`, { cause });
      }
    },
  };
}
