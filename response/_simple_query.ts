/**
 * {@linkcode SimpleQuery}: the client-side query of the Cb Response list-only routes.
 *
 * @module
 */

import {
  ApiError,
  type Document,
  ListQuery,
  type Model,
  type ModelClass,
  type RequestOptions,
  simpleMatch,
  splitClause,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";

/** A model class whose collection is one list the server returns whole. */
export interface ListModelClass<M extends Model> extends ModelClass<M> {
  /** The route that lists every object (defaults to `urlObject`). */
  readonly listUrl?: string;
  /** Whether list rows are whole documents. */
  readonly listRowsAreFull?: boolean;
}

/**
 * A query over a list route (sensor groups, watchlists, banned hashes, ...): one GET, then a
 * client-side `where("field:value")` (case-insensitive equality, one clause) and a descending
 * `sort(field)`.
 *
 * @typeParam M The model the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const group = await cb.select(SensorGroup).where("name:Default Group").one();
 * assert.ok(group.id === 1);
 * ```
 */
export class SimpleQuery<M extends Model> extends ListQuery<M> {
  /** The API. */
  protected readonly api: CbResponseAPI;
  /** The model class. */
  protected readonly cls: ListModelClass<M>;
  /** The filter clause. */
  protected readonly clause: string | undefined;
  /** The sort field. */
  protected readonly sortField: string | undefined;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param clause A `field:value` filter.
   * @param sortField A field to sort by, descending.
   */
  constructor(api: CbResponseAPI, cls: ListModelClass<M>, clause?: string, sortField?: string) {
    super();
    this.api = api;
    this.cls = cls;
    this.clause = clause;
    this.sortField = sortField;
  }

  /**
   * Keeps the objects whose field equals the value (case-insensitive). One clause only.
   *
   * @param clause `field:value`.
   * @returns A new query.
   * @throws {ApiError} On a second clause.
   */
  where(clause: string): SimpleQuery<M> {
    if (this.clause !== undefined) throw new ApiError("Cannot have multiple 'where' clauses");
    splitClause(clause);
    return new SimpleQuery(this.api, this.cls, clause, this.sortField);
  }

  /**
   * Not supported on list queries (the Python library refuses it too).
   *
   * @param _clause Ignored.
   * @returns Never.
   * @throws {ApiError} Always.
   */
  and(_clause: string): SimpleQuery<M> {
    throw new ApiError("Cannot have multiple 'where' clauses");
  }

  /**
   * Orders the results by a field, descending.
   *
   * @param field The field.
   * @returns A new query.
   */
  sort(field: string): SimpleQuery<M> {
    return new SimpleQuery(this.api, this.cls, this.clause, field.trim() || undefined);
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `${this.cls.name}${this.clause ? ` "${this.clause}"` : ""} on ${this.api.url}`;
  }

  /** Fetches the whole list. */
  protected async fetchAll(options: RequestOptions): Promise<M[]> {
    const data = await this.api.connection.getObject<unknown>(
      this.cls.listUrl ?? this.cls.urlObject,
      undefined,
      options,
    );
    const rows = Array.isArray(data) ? data as Document[] : [];
    let objects = rows.map((row) =>
      this.api.fromRow(
        this.cls,
        row[this.cls.primaryKey] as string | number,
        row,
        this.cls.listRowsAreFull ?? true,
      )
    );
    if (this.clause) {
      const [field, value] = splitClause(this.clause);
      objects = objects.filter((o) => simpleMatch(readAttr(o, field), value));
    }
    if (this.sortField) {
      const f = this.sortField;
      objects = [...objects].sort((a, b) => compareDesc(readAttr(a, f), readAttr(b, f)));
    }
    return objects;
  }
}

function readAttr(obj: Model, field: string): unknown {
  const value = (obj as unknown as Record<string, unknown>)[field];
  if (value !== undefined && typeof value !== "function") return value;
  return obj.get(field);
}

function compareDesc(a: unknown, b: unknown): number {
  const x = a ?? 0;
  const y = b ?? 0;
  if (x === y) return 0;
  return (x as number) < (y as number) ? 1 : -1;
}
