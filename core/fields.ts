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

import type { Model, ModelApi, ModelClass, ModelId } from "./model.ts";
import type { RequestOptions } from "./connection.ts";
import { InvalidHashError } from "./errors.ts";
import { toInt } from "./_parse.ts";

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
 * A field spec whose TypeScript type is richer than its kind gives (a list of ids or objects, an
 * object of lists): the runtime spec is the kind, the type rides along.
 *
 * @typeParam K The kind read and written at run time.
 * @typeParam T The property's type.
 *
 * @example
 * ```ts
 * import type { FieldValue, Typed } from "@cbapi/cbapi/core";
 * const teams = "array" as Typed<"array", Array<{ id: number } | number>>;
 * const value: FieldValue<typeof teams> = [1, { id: 2 }];
 * ```
 */
export type Typed<K extends FieldKind, T> = K & { readonly fieldType: T };

/**
 * The value of a top-level field: scalars and dates may be absent (`undefined`); arrays and
 * objects read as empty when absent.
 *
 * @typeParam S The spec.
 */
export type FieldValue<S> = S extends { readonly fieldType: infer T } ? T
  : S extends "array" ? unknown[]
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

/**
 * How caller ids of a model are made canonical before a request or a cache look-up:
 * - `any`: as given;
 * - `integer`: a number, numeric text read as one (`"3"` is id 3); anything else is a
 *   `TypeError` naming the model (nothing is sent);
 * - `text`: as text (`7` is id `"7"`);
 * - `md5`: 32 hexadecimal characters, upper-cased; anything else is an `InvalidHashError`;
 * - a function, for a compound id whose rule belongs to its product (a threat report's
 *   `<feed_id>:<report_id>`).
 */
export type IdKind = "any" | "integer" | "text" | "md5" | ((id: ModelId) => ModelId);

const MD5_TEXT = /^[0-9a-f]{32}$/i;

/**
 * The canonical form of a caller's id, by kind (see {@linkcode IdKind}).
 *
 * @param kind The model's id kind.
 * @param id The id as given.
 * @param model The model's name, for the error message.
 * @returns The canonical id.
 * @throws {TypeError} When an `integer` id is not an integer.
 * @throws {InvalidHashError} When an `md5` id is not 32 hexadecimal characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { canonicalId } from "@cbapi/cbapi/core";
 * assert.equal(canonicalId("integer", "3", "Sensor"), 3);
 * assert.equal(canonicalId("md5", "7fb55f5a62e78af9b58d08aaeeaef848", "Binary"), "7FB55F5A62E78AF9B58D08AAEEAEF848");
 * assert.throws(() => canonicalId("integer", "three", "Sensor"), TypeError);
 * ```
 */
export function canonicalId(kind: IdKind, id: ModelId, model: string): ModelId {
  switch (kind) {
    case "any":
      return id;
    case "integer": {
      const n = toInt(id);
      if (n === undefined) {
        throw new TypeError(`${model} id must be an integer, got ${JSON.stringify(id)}`);
      }
      return n;
    }
    case "text":
      return String(id);
    case "md5": {
      const text = String(id);
      if (!MD5_TEXT.test(text)) {
        throw new InvalidHashError(
          `MD5sum "${text}" is not valid: give 32 hexadecimal characters`,
          { hash: text },
        );
      }
      return text.toUpperCase();
    }
    default:
      return kind(id);
  }
}

/**
 * Where a join finds the id of the object it loads: a field of the document, a path into a
 * nested object (`["deviceDetails", "deviceId"]`), or a function of the model for an id made
 * from several fields.
 *
 * @typeParam Self The model declaring the join.
 */
export type JoinKey<Self> = string | readonly string[] | ((model: Self) => ModelId | undefined);

/** How a join reads its key (see {@linkcode join}). */
export interface JoinOptions<Self> {
  /**
   * Key values that name no object (`0`, `-1`, an all-zero MD5), or a test of the value;
   * absent, null and empty values always name none.
   */
  none?: readonly unknown[] | ((value: unknown) => boolean);
  /** Joins only when this holds (an alert's process exists for process alerts only). */
  when?: (model: Self) => boolean;
}

/** A model class a join loads: either `api.selectById(cls, id)` or its own `selectById`. */
export type JoinTarget<M extends Model> = ModelClass<M> & {
  /** A model's own way of loading by id (processes, investigations). */
  selectById?(api: never, id: ModelId, options?: RequestOptions): Promise<M>;
};

/**
 * A declared join: which model it loads, and where its id is (see {@linkcode join}).
 *
 * @typeParam M The model loaded.
 * @typeParam Self The model declaring the join.
 */
export interface JoinSpec<M extends Model = Model, Self = never> {
  /** The model loaded (a function returning it for a class from another module). */
  readonly target: JoinTarget<M> | (() => JoinTarget<M>);
  /** Where the id is. */
  readonly key: JoinKey<Self>;
  /** How the key is read. */
  readonly options: JoinOptions<Self>;
}

/**
 * The type of a model's `static joins` map, from method name to the model each join loads
 * (`static joins: JoinSpecs<{ group: SensorGroup }> = { group: join(() => SensorGroup, "group_id") }`).
 * Written out because a published class member needs an explicit type; a join whose target
 * does not match its entry fails to type-check.
 *
 * @typeParam T Method name to the model loaded.
 */
export type JoinSpecs<T extends { [name: string]: Model }> = {
  readonly [K in keyof T]: JoinSpec<T[K]>;
};

/** A model's joins: method name to {@linkcode JoinSpec}. */
export type JoinMap = {
  // deno-lint-ignore no-explicit-any
  readonly [name: string]: JoinSpec<any, any>;
};

/**
 * A join method: the joined object, from the API's object cache or loaded with one GET;
 * undefined when the key names none.
 *
 * @typeParam M The model loaded.
 */
export type JoinMethod<M> = (options?: RequestOptions) => Promise<M | undefined>;

/**
 * The read-only join methods a join map gives a model: merge it into the class with the
 * interface that carries the fields (`export interface Sensor extends
 * WritableFieldValues<typeof Sensor.fields>, Joins<typeof Sensor.joins> {}`). Assigning one is
 * a type error (and a `TypeError` at run time).
 *
 * @typeParam J The join map (`typeof Model.joins`).
 */
export type Joins<J> = {
  readonly [K in keyof J]: J[K] extends JoinSpec<infer M, infer _S> ? JoinMethod<M> : never;
};

/**
 * Declares a join: the async method that loads the `target` object whose id is in this
 * model's `key` field (through the API's object cache: at most one request per object). Put
 * it in the model's `static joins` map; `installFields` installs the method on the prototype
 * as a read-only property, so `sensor.group = other` fails to type-check and throws a
 * `TypeError` in plain JavaScript instead of silently replacing the join.
 *
 * @typeParam M The model loaded.
 * @typeParam Self The model declaring the join.
 * @param target The model class loaded, or a function returning it: a class from another
 * module is given as `() => Feed`, because a product's model modules import each other and a
 * static initializer runs while its module loads (the other class may not exist yet).
 * @param key The field holding the id, a path into a nested object, or a function of the model.
 * @param options Values that name no object, and a condition.
 * @returns The join's declaration.
 *
 * @example A join declared once
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const sensor = await cb.select(Sensor, 3);
 * const group = await sensor.group(); // declared as `group: join(() => SensorGroup, "group_id")`
 * assert.equal(group?.uniqueId, sensor.group_id);
 * // A Python habit: in plain JavaScript this throws a TypeError saying what to do instead.
 * assert.throws(() => Reflect.set(sensor, "group", group), TypeError);
 * ```
 */
export function join<M extends Model, Self = never>(
  target: JoinTarget<M> | (() => JoinTarget<M>),
  key: JoinKey<Self>,
  options: JoinOptions<Self> = {},
): JoinSpec<M, Self> {
  return { target, key, options };
}

/** The model's API, which a join loads through (protected in the model's type). */
interface JoinHost {
  readonly cb: ModelApi;
}

function targetOf<M extends Model>(spec: Pick<JoinSpec<M>, "target">): JoinTarget<M> {
  const t = spec.target;
  // A class has a prototype; an arrow function returning the class has none.
  return (t.prototype === undefined ? (t as () => JoinTarget<M>)() : t) as JoinTarget<M>;
}

function keyValue(model: Model, key: JoinKey<Model>): unknown {
  if (typeof key === "function") return key(model);
  if (typeof key === "string") return model.get(key);
  let value: unknown = model.get(key[0]!);
  for (const part of key.slice(1)) {
    value = value && typeof value === "object"
      ? (value as Record<string, unknown>)[part]
      : undefined;
  }
  return value;
}

async function runJoin<M extends Model>(
  model: Model,
  spec: JoinSpec<M, Model>,
  options: RequestOptions,
): Promise<M | undefined> {
  const { none, when } = spec.options;
  if (when && !when(model)) return undefined;
  const id = keyValue(model, spec.key);
  if (typeof id !== "string" && typeof id !== "number") return undefined;
  if (id === "" || (typeof none === "function" ? none(id) : none?.includes(id))) return undefined;
  const cls = targetOf(spec);
  const api = (model as unknown as JoinHost).cb;
  if (typeof cls.selectById === "function") return await cls.selectById(api as never, id, options);
  return await api.selectById(cls, id, options);
}

function lowerFirst(name: string): string {
  return name.slice(0, 1).toLowerCase() + name.slice(1);
}

function assignmentError(
  cls: { name: string; prototype: object },
  name: string,
  spec: JoinSpec<Model, Model>,
  writable: boolean,
): string {
  const self = lowerFirst(cls.name);
  const target = targetOf(spec).name;
  const head = `${self}.${name} is a join: call await ${self}.${name}() to read the ${target}; ` +
    `assigning it would replace the method and save nothing`;
  if (!writable) return `${head}. ${cls.name} objects are read-only`;
  if (typeof spec.key !== "string") return `${head}. The ${target} is named by the server`;
  // A model with a setter method for the join (`setGroup`, `setPolicy`) names it first.
  const setter = `set${name.slice(0, 1).toUpperCase()}${name.slice(1)}`;
  const other = lowerFirst(target);
  if (typeof (cls.prototype as Record<string, unknown>)[setter] === "function") {
    return `${head}. To point it at another ${target}, call ${self}.${setter}(${other}) ` +
      `(or set ${self}.${spec.key}) and save()`;
  }
  return `${head}. To point it at another ${target}, set ${self}.${spec.key} = ` +
    `${other}.uniqueId and save()`;
}

/**
 * Installs the joins of a model's own `static joins` map on its prototype: each is a getter
 * returning the join method (one function per join, shared by every object), and a setter that
 * throws a `TypeError` saying what to do instead. `installFields` calls it first, so a field
 * named like a join keeps the join (the field stays readable with `get()`).
 *
 * @param cls The model class.
 * @param options `writable: false` for read-only models (the error says so).
 */
export function installJoins(
  cls: { prototype: object; name: string; joins?: JoinMap },
  options: { writable?: boolean } = {},
): void {
  if (!Object.hasOwn(cls, "joins") || !cls.joins) return;
  const writable = options.writable ?? true;
  for (const [name, spec] of Object.entries(cls.joins)) {
    const method = function (this: Model, options: RequestOptions = {}) {
      return runJoin(this, spec, options);
    };
    Object.defineProperty(method, "name", { value: name });
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      enumerable: false,
      get() {
        return method;
      },
      set() {
        throw new TypeError(assignmentError(cls, name, spec, writable));
      },
    });
  }
}
