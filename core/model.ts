/**
 * The model base: a model wraps the JSON document the server sent, exposes typed getters for the
 * documented fields plus {@linkcode Model.get}, loads itself once, and (for mutable models)
 * tracks changes, saves, resets and deletes, printing the change-tracking display of the Python
 * library (`(+)` added, `(*)` changed).
 *
 * @example Change tracking on a created object (no request is sent)
 * ```ts
 * import assert from "node:assert/strict";
 * import { BannedHash, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const bh = cb.create(BannedHash);
 * bh.text = "Banned from API";
 * assert.ok(bh.isDirty());
 * assert.ok(String(bh).includes("(+)"));
 * ```
 *
 * @module
 */

import type { Connection, RequestOptions } from "./connection.ts";
import type { ObjectCache } from "./cache.ts";
import { idSegment } from "./_encode.ts";
import { assertDocumentDepth } from "./_depth.ts";
import { ApiError } from "./errors.ts";
import { ctime, displayValue } from "./_display.ts";
import { readField } from "./_field_codec.ts";
import type { MutableModel } from "./mutable_model.ts";
import { canonicalId, type FieldMap, type IdKind, installJoins } from "./fields.ts";

let documentOfModel: (model: Model) => Document;

/**
 * The document a model holds now (not a copy), for the object cache's row comparison.
 *
 * @param model The model.
 * @returns Its document.
 */
export function documentOf(model: Model): Document {
  return documentOfModel(model);
}

export type { FieldKind, FieldMap, FieldSpec, IdKind } from "./fields.ts";
export { displayValue } from "./_display.ts";
export { readField, writeField } from "./_field_codec.ts";

/** A model's unique id: a number or a string. */
export type ModelId = string | number;

/** A JSON document as the server sends it. */
export type Document = Record<string, unknown>;

/** What a model needs of the API object it belongs to. */
export interface ModelApi {
  /** The request path. */
  readonly connection: Connection;
  /** The server base URL. */
  readonly url: string;
  /** The per-API object cache. */
  readonly cache: ObjectCache;
  /**
   * The object of a model with this id: from the object cache, else loaded with one GET.
   *
   * @param cls The model class.
   * @param id The id.
   * @param options Signal and timeout.
   * @returns The loaded object.
   */
  selectById<M extends Model>(
    cls: ModelClass<M>,
    id: ModelId,
    options?: RequestOptions,
  ): Promise<M>;
}

/** How a model is built. */
export interface ModelInit {
  /** The initial document (a query row or a full document). */
  info?: Document;
  /** Whether the document is complete (no refresh needed to read any field). */
  full?: boolean;
}

/** The static side of a model class, as `select` and queries use it. */
export interface ModelClass<M extends Model = Model> {
  /**
   * Builds a model bound to an API. Each model types `api` as its product's API, so the
   * parameter is `never` here: the API objects that build models pass themselves.
   */
  new (api: never, id: ModelId | undefined, init?: ModelInit): M;
  /** REST path of the collection. */
  readonly urlObject: string;
  /** Name of the document field holding the id. */
  readonly primaryKey: string;
  /** Documented fields and their types. */
  readonly fields: FieldMap;
  /** Whether `api.create()` may build it. */
  readonly creatable: boolean;
  /** Turns an id given by a caller into the canonical id (for example upper-case MD5). */
  normaliseId(id: ModelId): ModelId;
}

/** Options of {@linkcode Model.refresh} and friends. */
export type LoadOptions = RequestOptions;

/**
 * Base of every model. Product models declare their fields in `static fields`, their REST path
 * in `static urlObject`, and their joins in `static joins` (see `join` in `fields.ts`).
 *
 * Models built by `select(Model, id)` are loaded before they are returned; models built from
 * query rows hold the row and load the rest on {@linkcode Model.load}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const bin = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
 * assert.ok(bin.get("product_version", "<unknown>") !== undefined);
 * assert.ok(String(bin).startsWith("Binary:"));
 * ```
 */
export abstract class Model<Api extends ModelApi = ModelApi> {
  /** REST path of the collection. */
  static urlObject = "";
  /** Name of the id field. */
  static primaryKey = "id";
  /**
   * Documented fields with their types, declared once as a literal (`as const`): the same map
   * gives the runtime accessors (`installFields`) and the property types (`FieldValues`).
   */
  static fields: FieldMap = {};
  /** Whether `api.create()` may build one. */
  static creatable = false;
  /** `schema` prints the 79-dash display, `legacy` the `key : value` one. */
  static display: "schema" | "legacy" = "schema";

  /** How caller ids are made canonical (see {@linkcode IdKind}); models override it. */
  static idKind: IdKind = "any";

  /**
   * Turns a caller's id into the canonical id, by the class's {@linkcode Model.idKind}.
   *
   * @param id The id as given.
   * @returns The id to use.
   */
  static normaliseId(id: ModelId): ModelId {
    return canonicalId(this.idKind, id, this.name);
  }

  /** The API object this model belongs to (typed as the product's API). */
  protected readonly cb: Api;
  #info: Document;
  #shared: boolean;
  #id: ModelId | undefined;
  #full: boolean;
  #lastRefresh: Date | undefined;

  /**
   * Builds a model. Use `api.select()` or a query instead of calling this.
   *
   * @param api The API object.
   * @param id The unique id, if known.
   * @param init The initial document.
   */
  constructor(api: Api, id: ModelId | undefined, init: ModelInit = {}) {
    this.cb = api;
    this.#id = id;
    // The model takes the document as it is (no copy per row); the first local change copies
    // it (see `writableInfo`), so a document shared with its sender is never changed.
    this.#info = init.info ?? {};
    this.#shared = init.info !== undefined;
    this.#full = init.full ?? false;
  }

  static {
    documentOfModel = (model) => model.#info;
  }

  /** The static side of this model's class. */
  protected get modelClass(): ModelClass & typeof Model {
    return this.constructor as unknown as ModelClass & typeof Model;
  }

  /** The object's unique id (undefined for an object not yet saved). */
  get uniqueId(): ModelId | undefined {
    const pk = this.#info[this.modelClass.primaryKey];
    if (typeof pk === "string" || typeof pk === "number") return pk;
    return this.#id;
  }

  /** Whether the whole document is loaded. */
  get fullyInitialized(): boolean {
    return this.#full;
  }

  /** When the document was last loaded from the server. */
  get lastRefresh(): Date | undefined {
    return this.#lastRefresh;
  }

  /** The server base URL this object is bound to. */
  get serverUrl(): string {
    return this.cb.url;
  }

  /** The REST path of this object (GET for refresh, PUT/DELETE for writes). */
  protected instanceUrl(): string {
    return `${this.modelClass.urlObject}/${idSegment(this.uniqueId, this.modelClass.name)}`;
  }

  /**
   * Turns the refresh answer into the document (override to unwrap).
   *
   * @param json The parsed answer.
   * @returns The document.
   */
  protected parseDocument(json: unknown): Document {
    if (json && typeof json === "object" && !Array.isArray(json)) return json as Document;
    throw new ApiError(
      `Unexpected answer for ${this.modelClass.name} ${
        String(this.uniqueId)
      } from ${this.cb.url}: ` +
        `expected a JSON object, got ${Array.isArray(json) ? "an array" : typeof json}`,
    );
  }

  /** Read access to the raw document for subclasses. */
  protected get info(): Document {
    return this.#info;
  }

  /** The document for a local change: copied once first when the model does not own it. */
  protected get writableInfo(): Document {
    if (this.#shared) {
      this.#info = { ...this.#info };
      this.#shared = false;
    }
    return this.#info;
  }

  /**
   * Replaces the document (subclasses use it after a custom load).
   *
   * @param doc The new document.
   * @param full Whether it is complete.
   */
  protected setDocument(doc: Document, full: boolean): void {
    if (doc !== this.#info) this.#shared = false;
    this.#info = doc;
    this.#full = full;
    if (full) this.#lastRefresh = new Date();
    const pk = doc[this.modelClass.primaryKey];
    if (pk !== undefined && pk !== null) this.#id = pk as ModelId;
  }

  /**
   * Reloads the document from the server, discarding unsaved changes.
   *
   * @param options Signal and timeout.
   * @returns This object.
   * @throws {ObjectNotFoundError} When the object no longer exists.
   */
  async refresh(options: LoadOptions = {}): Promise<this> {
    if (this.uniqueId === undefined) return this;
    const json = await this.cb.connection.getObject(this.instanceUrl(), undefined, options);
    this.setDocument(this.parseDocument(json ?? {}), true);
    this.afterRefresh();
    this.cb.cache.renew(this);
    return this;
  }

  /** Hook run after every refresh (clears dirty state in mutable models). */
  protected afterRefresh(): void {}

  /**
   * Loads the whole document if only part of it is here (one request at most).
   *
   * @param options Signal and timeout.
   * @returns This object.
   */
  async load(options: LoadOptions = {}): Promise<this> {
    if (!this.#full) await this.refresh(options);
    return this;
  }

  /**
   * A field of the document, or `defaultValue` when it is absent. Documented fields come back
   * typed, others as the server sent them.
   *
   * @param name The field name.
   * @param defaultValue What to return when the field is absent or null.
   * @returns The value.
   */
  get<T = unknown>(name: string, defaultValue?: T): T | undefined {
    const kind = this.modelClass.fields[name];
    const raw = this.#info[name];
    if (raw === undefined || raw === null) return defaultValue;
    return (kind ? readField(kind, raw) : raw) as T;
  }

  /**
   * A field exactly as the server sent it (plus local changes): the text behind a `Date`
   * property, the JSON text behind a `json` field.
   *
   * @param name The field name.
   * @returns The raw value, or undefined when absent.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const bin = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
   * assert.ok(bin.server_added_timestamp instanceof Date);
   * assert.ok(typeof bin.getRaw("server_added_timestamp") === "string");
   * ```
   */
  getRaw(name: string): unknown {
    return this.#info[name];
  }

  /**
   * Reads a documented field, typed.
   *
   * @param name The field name.
   * @returns The typed value or undefined.
   */
  protected field<T>(name: string): T | undefined {
    const kind = this.modelClass.fields[name] ?? "any";
    return readField(kind, this.#info[name]) as T | undefined;
  }

  /**
   * A copy of the document as the server sent it (plus local changes).
   *
   * @returns The copy.
   * @throws {InvalidObjectError} When the document nests deeper than 1000 levels.
   */
  toJSON(): Document {
    assertDocumentDepth(this.#info, `${this.modelClass.name} ${String(this.uniqueId)}`);
    return structuredClone(this.#info);
  }

  /** The raw document (same as {@linkcode Model.toJSON}); `await load()` first for all of it. */
  get originalDocument(): Document {
    return this.toJSON();
  }

  /** Flag shown before a field in the display; mutable models mark changes. */
  protected changeFlag(_key: string): string {
    return "   ";
  }

  /** The change-tracking display of the Python library, never showing secrets. */
  toString(): string {
    const cls = this.modelClass;
    const keys = Object.keys(this.#info).sort();
    if (cls.display === "legacy") {
      const lines = [`${cls.name}:`];
      const link = (this as { webui_link?: unknown }).webui_link;
      if (typeof link === "string") lines.push(`-> available via web UI at ${link}`);
      for (const k of keys) {
        if (k === "icon") continue;
        lines.push(`${k.padEnd(20)} : ${displayValue(k, this.#info[k])}`);
      }
      return lines.join("\n");
    }
    const lines = [`${cls.name} object, bound to ${this.cb.url}.`];
    if (this.#lastRefresh) lines.push(` Last refreshed at ${ctime(this.#lastRefresh)}`);
    if (!this.#full) lines.push(" Partially initialized. Use .refresh() to load all attributes");
    lines.push("-".repeat(79), "");
    for (const k of keys) {
      let v = displayValue(k, this.#info[k]);
      if (v.length > 50) v = `${v.slice(0, 47)}...`;
      lines.push(`${this.changeFlag(k)} ${k.padStart(20)}: ${v}`);
    }
    return lines.join("\n");
  }

  /** Short form: `<Sensor: id 3> @ https://server`. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.inspectText();
  }

  /** The short form used by `Deno.inspect` (subclasses add markers). */
  protected inspectText(): string {
    const id = this.uniqueId;
    return `<${this.modelClass.name}: ${
      id === undefined ? "new object" : `id ${id}`
    }> @ ${this.cb.url}`;
  }
}

/**
 * Installs typed accessors on a model's prototype for each documented field that the class does
 * not define itself. Read-only models get getters only.
 *
 * @param cls The model class.
 * @param options `writable: false` for read-only models.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MutableModel, type WritableFieldValues } from "@cbapi/cbapi/core";
 * import { installFields } from "./_internal.ts";
 * interface Note extends WritableFieldValues<typeof Note.fields> {}
 * class Note extends MutableModel {
 *   static override urlObject = "/api/v1/note";
 *   static override fields = { text: "string" } as const;
 * }
 * installFields(Note);
 * assert.ok(Object.getOwnPropertyDescriptor(Note.prototype, "text")?.set !== undefined);
 * ```
 */
export function installFields(
  cls: { prototype: object; name: string; fields: FieldMap },
  options: { writable?: boolean } = {},
): void {
  const writable = options.writable ?? true;
  installJoins(cls, options);
  for (const name of Object.keys(cls.fields)) {
    if (hasAccessor(cls.prototype, name)) continue;
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      enumerable: false,
      get(this: Model) {
        return (this as unknown as { field(n: string): unknown }).field(name);
      },
      set: writable
        ? function (this: MutableModel, value: unknown) {
          (this as unknown as { setField(n: string, v: unknown): void }).setField(name, value);
        }
        : function (this: Model) {
          throw new TypeError(`Field ${name} of ${this.constructor.name} is immutable`);
        },
    });
  }
}

function hasAccessor(proto: object, name: string): boolean {
  // A field named like a member of the class or of the model base (a join, `info`) keeps the
  // member; the field stays readable with `get()`.
  let p: object | null = proto;
  while (p && p !== Object.prototype) {
    if (Object.getOwnPropertyDescriptor(p, name)) return true;
    p = Object.getPrototypeOf(p);
  }
  return false;
}
