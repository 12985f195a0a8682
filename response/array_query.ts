/**
 * {@linkcode ArrayQuery}: the per-parent list query of Cb Response.
 *
 * @module
 */

import {
  ApiError,
  type Document,
  ListQuery,
  type Model,
  type ModelClass,
  type QueryState,
  type RequestOptions,
} from "../core/mod.ts";
import { splitClause } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";

/** A model class listed per parent object (feed actions per feed, tagged events per investigation). */
export interface ArrayModelClass<M extends Model> extends ModelClass<M> {
  /** The field `where()` must name (`group_id`, `watchlist_id`, `investigation_id`). */
  readonly parentField: string;
  /**
   * The route listing the objects of one parent.
   *
   * @param parentId The parent's id.
   * @returns The path.
   */
  listUrlFor(parentId: string): string;
}

/**
 * A query over the objects of one parent (`where("group_id:3")` on feed actions): one GET of the
 * parent's list route. The `where()` clause is required and must name the parent field; a
 * second one, or any `and()`, is refused (as in the Python library). `sort(field)` orders the
 * list by that field, descending.
 *
 * @typeParam M The model the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, WatchlistAction } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const actions = await cb.select(WatchlistAction).where("watchlist_id:5").toArray();
 * assert.ok(Array.isArray(actions));
 * ```
 */
export class ArrayQuery<M extends Model> extends ListQuery<M> {
  /** The API. */
  declare protected readonly api: CbResponseAPI;
  /** The model class. */
  declare protected readonly cls: ArrayModelClass<M>;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param state Initial state: the `{parentField}:{id}` clause.
   */
  constructor(api: CbResponseAPI, cls: ArrayModelClass<M>, state: Partial<QueryState> = {}) {
    super(api, cls, { clauses: [], sort: undefined, ...state });
  }

  /** The clause names the parent: it picks the route, it filters nothing on the client. */
  protected override get filtersOnClient(): boolean {
    return false;
  }

  /**
   * Refuses a clause on another field than the parent field.
   *
   * @param clause The clause.
   * @throws {RangeError} When the field is not the parent field.
   */
  protected override checkClause(clause: string): void {
    const [field] = splitClause(clause);
    if (field !== this.cls.parentField) {
      throw new RangeError(`Field name must be: ${this.cls.parentField} (got "${field}")`);
    }
  }

  /** The parent id from the clause. */
  get #parentId(): string | undefined {
    const clause = this.state.clauses[0];
    return clause === undefined ? undefined : splitClause(clause)[1];
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `${this.cls.name} ${this.cls.parentField}:${this.#parentId ?? "?"} on ${this.api.url}`;
  }

  /**
   * Fetches the parent's list.
   *
   * @param options Signal and timeout.
   * @returns The objects.
   */
  protected async fetchAll(options: RequestOptions): Promise<M[]> {
    if (this.#parentId === undefined) {
      throw new ApiError(`Must use a search parameter: .where('${this.cls.parentField}:<id>')`);
    }
    const data = await this.api.connection.getObject<unknown>(
      this.cls.listUrlFor(this.#parentId),
      undefined,
      options,
    );
    const rows = Array.isArray(data) ? data as Document[] : [];
    return rows.map((row) => this.modelOf(row, true));
  }
}
