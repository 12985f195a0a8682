/**
 * Field maps: each model declares its document fields once, in `static fields`, as a literal
 * object (`as const`). The same object gives the runtime accessors (installed by
 * `installFields`) and, through {@linkcode FieldValues} / {@linkcode WritableFieldValues}, the
 * TypeScript type of every property.
 *
 * A field spec is a {@linkcode FieldKind} (`"string"`, `"integer"`, `"iso-date-time"`, ...), a
 * one-element tuple for an array of that spec (`["string"]`), or an object of specs for a nested
 * object (`{ team_id: "integer", team_name: "string" }`). Nested values are returned as the
 * server sent them, so dates inside nested objects stay text.
 *
 * @example A model declared once
 * ```ts
 * import assert from "node:assert/strict";
 * import { type FieldValues, Model } from "@cbapi/cbapi/core";
 * import { installFields } from "./_internal.ts";
 *
 * export interface Note extends FieldValues<typeof Note.fields> {}
 * export class Note extends Model {
 *   static override urlObject = "/api/v1/note";
 *   static override fields = {
 *     // The note text.
 *     text: "string",
 *     // When it was written (the raw text stays readable with `getRaw`).
 *     created: "iso-date-time",
 *     // Tags.
 *     tags: ["string"],
 *   } as const;
 * }
 * installFields(Note, { writable: false });
 *
 * // An API that is never asked for anything (no field read sends a request).
 * const api = {
 *   connection: undefined!,
 *   url: "https://cb.example",
 *   cache: undefined!,
 *   selectById: () => Promise.reject(new Error("unused")),
 * };
 * const note = new Note(api, 1, { info: { text: "hi", created: "2020-01-02 03:04:05", tags: ["a"] } });
 * const created: Date | undefined = note.created;
 * assert.ok(created?.getUTCFullYear() === 2020);
 * assert.ok(note.getRaw("created") === "2020-01-02 03:04:05");
 * assert.ok(note.tags[0] === "a");
 * ```
 *
 * @module
 */

/** How a documented field is typed (the Python schema types of SPEC §3.6). */
export type FieldKind =
  | "string"
  | "integer"
  | "boolean"
  | "double"
  | "iso-date-time"
  | "epoch-ms-date-time"
  | "array"
  | "object"
  | "json"
  | "byte"
  | "any";

/**
 * A field's declaration: a kind, `[spec]` for an array of that spec, or an object of specs for
 * a nested object.
 */
export type FieldSpec =
  | FieldKind
  | readonly [FieldSpec]
  | { readonly [key: string]: FieldSpec };

/** A model's field map: field name to spec. */
export type FieldMap = { readonly [name: string]: FieldSpec };

/** The TypeScript type of each scalar kind at the top level of a document. */
export interface TopKinds {
  /** Text. */
  string: string;
  /** An integer (numeric text is read as a number). */
  integer: number;
  /** A flag (`"true"`, `"false"`, `1`, `0` are read too). */
  boolean: boolean;
  /** A number. */
  double: number;
  /** A date sent as text; `getRaw(name)` gives the text. */
  "iso-date-time": Date;
  /** A date sent as epoch milliseconds; `getRaw(name)` gives the number. */
  "epoch-ms-date-time": Date;
  /** Base64 text, read as bytes. */
  byte: Uint8Array;
  /** Anything, as sent. */
  any: unknown;
}

/** The TypeScript type of each kind inside a nested object (values are returned as sent). */
export interface NestedKinds {
  /** Text. */
  string: string;
  /** An integer. */
  integer: number;
  /** A flag. */
  boolean: boolean;
  /** A number. */
  double: number;
  /** A date, as the text sent. */
  "iso-date-time": string;
  /** A date, as the epoch milliseconds sent. */
  "epoch-ms-date-time": number;
  /** Base64 text. */
  byte: string;
  /** Anything. */
  any: unknown;
  /** A list. */
  array: unknown[];
  /** An object. */
  object: Record<string, unknown>;
  /** An object. */
  json: Record<string, unknown>;
}

/**
 * The value of a spec inside a nested object or array.
 *
 * @typeParam S The spec.
 */
export type NestedValue<S> = S extends keyof NestedKinds ? NestedKinds[S]
  : S extends readonly [infer E] ? NestedValue<E>[]
  : { -readonly [K in keyof S]?: NestedValue<S[K]> } & Record<string, unknown>;

/**
 * The value of a top-level field: scalars and dates may be absent (`undefined`); arrays and
 * objects read as empty when absent.
 *
 * @typeParam S The spec.
 */
export type FieldValue<S> = S extends "array" ? unknown[]
  : S extends "object" | "json" ? Record<string, unknown>
  : S extends keyof TopKinds ? TopKinds[S] | undefined
  : S extends readonly [infer E] ? NestedValue<E>[]
  : { -readonly [K in keyof S]?: NestedValue<S[K]> } & Record<string, unknown>;

/**
 * The read-only properties a field map gives a model: merge it into the class with an interface
 * of the same name (`export interface Binary extends FieldValues<typeof Binary.fields> {}`).
 * `Hidden` names fields the class defines itself (a join method or a custom getter); they stay
 * readable with `get()`.
 *
 * @typeParam F The field map (`typeof Model.fields`).
 * @typeParam Hidden Field names the class defines itself.
 */
export type FieldValues<F, Hidden extends PropertyKey = never> = {
  readonly [K in keyof F as K extends Hidden ? never : K]: FieldValue<F[K]>;
};

/**
 * Like {@linkcode FieldValues}, for mutable models: every property is writable (setting it
 * records the change), except the names in `ReadOnly`.
 *
 * @typeParam F The field map.
 * @typeParam Hidden Field names the class defines itself.
 * @typeParam ReadOnly Field names that are read-only in the type.
 */
export type WritableFieldValues<
  F,
  Hidden extends PropertyKey = never,
  ReadOnly extends PropertyKey = never,
> =
  & {
    -readonly [K in keyof F as K extends Hidden | ReadOnly ? never : K]: FieldValue<F[K]>;
  }
  & {
    readonly [K in keyof F as K extends ReadOnly ? K extends Hidden ? never : K : never]:
      FieldValue<F[K]>;
  };
