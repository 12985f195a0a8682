/**
 * {@linkcode SimpleQuery}: the client-side query of the Cb Response list-only routes.
 *
 * @module
 */

import {
  type Document,
  ListQuery,
  type Model,
  type ModelClass,
  type QueryState,
  type RequestOptions,
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
 * client-side `where("field:value")` (case-insensitive equality, one clause; a second one, or
 * any `and()`, is refused) and a descending `sort(field)`.
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
  declare protected readonly api: CbResponseAPI;
  /** The model class. */
  declare protected readonly cls: ListModelClass<M>;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param state Initial state: a `field:value` clause, a field to sort by (descending).
   */
  constructor(api: CbResponseAPI, cls: ListModelClass<M>, state: Partial<QueryState> = {}) {
    super(api, cls, { clauses: [], sort: undefined, ...state });
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    const clause = this.state.clauses[0];
    return `${this.cls.name}${clause ? ` "${clause}"` : ""} on ${this.api.url}`;
  }

  /** Fetches the whole list. */
  protected async fetchAll(options: RequestOptions): Promise<M[]> {
    const data = await this.api.connection.getObject<unknown>(
      this.cls.listUrl ?? this.cls.urlObject,
      undefined,
      options,
    );
    const rows = Array.isArray(data) ? data as Document[] : [];
    return rows.map((row) => this.modelOf(row, this.cls.listRowsAreFull ?? true));
  }
}
