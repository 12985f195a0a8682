/**
 * What feed and watchlist actions share: the action type names and the model base (no GET
 * route: a refresh keeps the object's own document).
 *
 * @module
 */

import { ApiError, type LoadOptions, MutableModel } from "../core/mod.ts";
import { idSegment } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";

/** The action names by `action_type` number. */
const ACTION_TYPES: readonly string[] = ["email", "syslog", "http_post", "alert"];

/** The name of an action type. */
export type ActionTypeName = "email" | "syslog" | "http_post" | "alert" | "unknown";

/**
 * The name of an `action_type` number (`unknown` for numbers the library does not know).
 *
 * @param value The number.
 * @returns The name.
 */
export function actionTypeName(value: unknown): ActionTypeName {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return (ACTION_TYPES[n] as ActionTypeName | undefined) ?? "unknown";
}

/**
 * The `action_type` number of a name.
 *
 * @param name `email`, `syslog`, `http_post` or `alert`.
 * @returns The number.
 * @throws {ApiError} For an unknown name.
 */
export function actionTypeNumber(name: string): number {
  const i = ACTION_TYPES.indexOf(name);
  if (i < 0) {
    throw new ApiError(
      `Unknown Action type: ${name}. Use one of ${ACTION_TYPES.join(", ")}`,
    );
  }
  return i;
}

/**
 * Base of {@linkcode FeedAction} and {@linkcode WatchlistAction}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, FeedAction } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const actions = await cb.select(FeedAction).where("group_id:7").toArray();
 * assert.ok(actions.every((a) => typeof a.type === "string"));
 * ```
 */
export abstract class ActionModel extends MutableModel<CbResponseAPI> {
  /** The field holding the parent's id (`group_id` of a feed action). */
  static readonly parentField: string = "";
  /** What the parent is, for messages (`feed`, `watchlist`). */
  static readonly parentName: string = "";

  /**
   * The route listing one parent's actions: `urlObject` with the parent's id in its
   * `{...}` segment.
   *
   * @param parentId The parent's id.
   * @returns The path.
   */
  static listUrlFor(parentId: string): string {
    return this.urlObject.replace(/\{[a-z_]+\}/, idSegment(parentId, this.parentName));
  }

  /** `{parent's list route}/{id}`. */
  protected override instanceUrl(): string {
    return `${this.#base()}/${idSegment(this.uniqueId, this.modelClass.name)}`;
  }

  /** The parent's list route. */
  protected override createUrl(): string {
    return this.#base();
  }

  #base(): string {
    const cls = this.constructor as typeof ActionModel;
    const id = this.info[cls.parentField];
    if (id === undefined || id === null) {
      throw new ApiError(
        `${cls.name} has no ${cls.parentField} (${cls.parentName} id): set it before saving ` +
          `to ${this.cb.url}`,
      );
    }
    return cls.listUrlFor(String(id));
  }

  /** The action kind by name: `email`, `syslog`, `http_post`, `alert` (or `unknown`). */
  get type(): ActionTypeName {
    return actionTypeName(this.info.action_type);
  }

  /**
   * Sets the action kind by name.
   *
   * @param name `email`, `syslog`, `http_post` or `alert`.
   */
  set type(name: string) {
    this.setField("action_type", actionTypeNumber(name));
  }

  /**
   * The server has no route to read one action: the object keeps its own document and its
   * pending changes (no request).
   *
   * @param _options Unused.
   * @returns This object.
   */
  override refresh(_options: LoadOptions = {}): Promise<this> {
    this.setDocument(this.info, true);
    return Promise.resolve(this);
  }
}
