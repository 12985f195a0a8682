/**
 * The base of models that can be changed and saved: change tracking (original values kept),
 * `save()` with the answers of SPEC 3.9, `reset()`, `delete()`.
 *
 * @module
 */

import { type Document, type LoadOptions, Model, type ModelApi } from "./model.ts";
import { writeField } from "./_field_codec.ts";
import { redactSecrets } from "./_secrets.ts";
import { assertDocumentDepth } from "./_depth.ts";
import { ApiError, InvalidObjectError, ServerError } from "./errors.ts";

/** What {@linkcode MutableModel.save} does with the server's answer. */
export interface SaveOptions extends LoadOptions {}

/**
 * A model that can be changed and saved: tracks changed fields (original values kept), sends
 * creates and updates, and handles the answers of SPEC §3.9.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const group = await cb.select(SensorGroup, 1);
 * group.name = "Renamed";
 * assert.ok(group.isDirty());
 * await group.save();
 * assert.ok(!group.isDirty() && group.name === "Renamed");
 * ```
 */
export abstract class MutableModel<Api extends ModelApi = ModelApi> extends Model<Api> {
  /** HTTP method of a create. */
  static createMethod = "POST";
  /** HTTP method of an update. */
  static updateMethod = "PUT";
  /** Whether the create body keeps the primary key. */
  static sendPrimaryKeyOnCreate = false;
  /** Fields that must be present before a save. */
  static required: readonly string[] = [];

  #dirty = new Map<string, unknown>();

  /** Whether there are unsaved changes. */
  isDirty(): boolean {
    return this.#dirty.size > 0;
  }

  /** Names of the changed fields. */
  get dirtyFields(): string[] {
    return [...this.#dirty.keys()];
  }

  /**
   * Sets a document field, tracking the change. Setting a field back to its original value
   * forgets the change.
   *
   * @param name The field.
   * @param value The raw value to store.
   */
  protected setRaw(name: string, value: unknown): void {
    const info = this.writableInfo;
    const current = info[name];
    if (sameValue(current, value)) return;
    if (!this.#dirty.has(name)) {
      this.#dirty.set(name, current === undefined ? undefined : structuredClone(current));
    } else if (sameValue(this.#dirty.get(name), value)) {
      this.#dirty.delete(name);
    }
    info[name] = value;
  }

  /**
   * Sets a documented field from a typed value (Dates, booleans, models become ids).
   *
   * @param name The field.
   * @param value The typed value.
   */
  protected setField(name: string, value: unknown): void {
    const kind = this.modelClass.fields[name] ?? "any";
    let v = value;
    if (v instanceof Model) v = v.uniqueId;
    this.setRaw(name, writeField(kind, v));
  }

  /**
   * Sets any field by name (documented fields are typed).
   *
   * @param name The field.
   * @param value The value.
   * @returns This object.
   */
  set(name: string, value: unknown): this {
    this.setField(name, value);
    return this;
  }

  /** The change marker of a field. */
  protected override changeFlag(key: string): string {
    if (!this.#dirty.has(key)) return "   ";
    const original = this.#dirty.get(key);
    return original === undefined || original === null ? "(+)" : "(*)";
  }

  /** Clears pending changes. */
  protected override afterRefresh(): void {
    this.#dirty.clear();
  }

  /**
   * Undoes every unsaved change (no request).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const group = await cb.select(SensorGroup, 1);
   * group.name = "changed";
   * group.reset();
   * assert.ok(!group.isDirty());
   * ```
   */
  reset(): void {
    const info = this.writableInfo;
    for (const [k, original] of this.#dirty) {
      if (original === undefined) delete info[k];
      else info[k] = original;
    }
    this.#dirty.clear();
  }

  /**
   * Checks that the required fields are present.
   *
   * @throws {InvalidObjectError} Naming the missing fields.
   */
  validate(): void {
    const cls = this.constructor as typeof MutableModel;
    const missing = cls.required.filter((f) => !(f in this.info));
    if (missing.length > 0) {
      throw new InvalidObjectError(
        `Missing fields: [${missing.join(", ")}] of ${cls.name}: set them before save()`,
        { fields: missing },
      );
    }
  }

  /** The body of an update (the whole document by default). */
  protected updateBody(): unknown {
    return this.toJSON();
  }

  /** The body of a create (the document without the primary key by default). */
  protected createBody(): unknown {
    const cls = this.constructor as typeof MutableModel;
    const body = this.toJSON();
    if (!cls.sendPrimaryKeyOnCreate) delete body[cls.primaryKey];
    return body;
  }

  /** Where a create is sent. */
  protected createUrl(): string {
    return this.modelClass.urlObject;
  }

  /** Whether the next save creates the object. */
  protected isNew(): boolean {
    const pk = this.modelClass.primaryKey;
    return this.uniqueId === undefined || this.uniqueId === null || this.#dirty.has(pk);
  }

  /**
   * Sends the changes: a create when the object is new, else an update. Nothing is sent when
   * nothing changed. A partially loaded object is loaded first and the changes applied on top.
   *
   * @param options Signal and timeout.
   * @returns This object, refreshed from the server's answer.
   * @throws {InvalidObjectError} When required fields are missing, or the document nests deeper
   * than 1000 levels (nothing sent).
   * @throws {ServerError} When the server refused the change.
   */
  async save(options: SaveOptions = {}): Promise<this> {
    if (!this.isDirty()) return this;
    assertDocumentDepth(this.info, `${this.modelClass.name} ${String(this.uniqueId)}`);
    const cls = this.constructor as typeof MutableModel;
    const creating = this.isNew();
    if (!creating && !this.fullyInitialized) {
      const changes = this.dirtyFields.map((k) => [k, this.info[k]] as const);
      const originals = new Map(this.#dirty);
      await this.refresh(options);
      for (const [k, v] of changes) {
        this.setRaw(k, v);
        if (!this.#dirty.has(k) && !sameValue(originals.get(k), v)) {
          this.#dirty.set(k, originals.get(k));
        }
      }
    }
    this.validate();
    const logger = this.cb.connection.logger;
    let method: string;
    let path: string;
    let body: unknown;
    if (creating) {
      logger.debug(`Creating a new ${cls.name} object`);
      method = cls.createMethod;
      path = this.createUrl();
      body = this.createBody();
    } else {
      logger.debug(`Updating ${cls.name} with unique ID ${this.uniqueId}`);
      method = cls.updateMethod;
      path = this.instanceUrl();
      body = this.updateBody();
    }
    const res = await this.cb.connection.requestJson(method, path, { ...options, json: body });
    if (res.status < 200 || res.status > 299) {
      throw ApiError.fromResponse({
        status: res.status,
        body: res.text,
        method,
        url: `${this.cb.url}${path}`,
        result: `Did not update ${cls.name} record.`,
      });
    }
    await this.handleSaveAnswer(res.data, method, path, options);
    this.#dirty.clear();
    this.cb.cache.renew(this);
    return this;
  }

  /**
   * Applies the answer of a create or update (SPEC §3.9 with the Python quirks fixed).
   *
   * @param data The parsed answer.
   * @param method The method sent.
   * @param path The path sent to.
   * @param options Signal and timeout for a follow-up refresh.
   */
  protected async handleSaveAnswer(
    data: unknown,
    method: string,
    path: string,
    options: LoadOptions,
  ): Promise<void> {
    const logger = this.cb.connection.logger;
    if (data === undefined || data === null || typeof data !== "object" || Array.isArray(data)) {
      if (Array.isArray(data)) {
        logger.debug(`Received response: ${JSON.stringify(redactSecrets(data))}`);
      }
      await this.refresh(options);
      return;
    }
    const doc = data as Document;
    logger.debug(`Received response: ${JSON.stringify(redactSecrets(doc))}`);
    const keys = Object.keys(doc);
    if (keys.length === 1 && keys[0] === "result") {
      const result = doc.result;
      if (result === "success" || result === "" || result === null) {
        await this.refresh(options);
        return;
      }
      throw new ServerError(
        `Server ${this.cb.url} refused ${method} ${path}: ${String(result)}. Nothing was changed`,
        {
          status: 200,
          body: JSON.stringify(doc),
          method,
          url: `${this.cb.url}${path}`,
          result: `Did not update ${this.modelClass.name} record.`,
        },
      );
    }
    if (keys.length === 1 && keys[0] === "id") {
      logger.debug("Only received an ID back from the server, forcing a refresh");
      this.writableInfo[this.modelClass.primaryKey] = doc.id;
      this.setDocument({ ...this.info, [this.modelClass.primaryKey]: doc.id }, false);
      await this.refresh(options);
      return;
    }
    this.setDocument(doc, true);
  }

  /**
   * Deletes the object on the server. An object never saved is left alone.
   *
   * @param options Signal and timeout.
   * @throws {ServerError} When the server refused.
   */
  async delete(options: LoadOptions = {}): Promise<void> {
    if (this.uniqueId === undefined || this.uniqueId === null) return;
    const path = this.instanceUrl();
    const res = await this.cb.connection.request("DELETE", path, options);
    await res.body?.cancel();
    if (res.status !== 200 && res.status !== 204) {
      throw ApiError.fromResponse({
        status: res.status,
        body: "",
        method: "DELETE",
        url: `${this.cb.url}${path}`,
        result: `Did not delete ${this.modelClass.name} ${String(this.uniqueId)}.`,
      });
    }
    this.cb.cache.forget(this);
  }

  /** The short form. */
  protected override inspectText(): string {
    return `${super.inspectText()}${this.isDirty() ? " (*)" : ""}`;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== "object" || typeof b !== "object") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
