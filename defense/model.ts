/**
 * The base of the mutable Cb Defense models ({@linkcode DefenseMutableModel}): wrapped single
 * answers (`{"deviceInfo": {...}}`) and the save answers of SPEC §7.3.
 *
 * @module
 */

import {
  type Document,
  type LoadOptions,
  type ModelId,
  MutableModel,
  ServerError,
} from "../core/mod.ts";
import { checkSuccess, unwrapDocument } from "./_base.ts";
// deno-lint-ignore no-unused-vars
import type { Device } from "./device.ts";
// deno-lint-ignore no-unused-vars
import type { Policy } from "./policy.ts";
import type { CbDefenseAPI } from "./api.ts";
import { redactText } from "../core/_internal.ts";

/**
 * A mutable Cb Defense model: single GETs answer `{"success": true, "{infoKey}": {...}}`, saves
 * answer `{"success": true, ...}` (SPEC §7.3). {@linkcode Device} and {@linkcode Policy} build
 * on it.
 *
 * @example Every mutable Defense model is one
 * ```ts
 * import assert from "node:assert/strict";
 * import { DefenseMutableModel, Device, Policy } from "@cbapi/cbapi/defense";
 * assert.ok(Device.prototype instanceof DefenseMutableModel);
 * assert.ok(Policy.infoKey === "policyInfo");
 * ```
 */
export abstract class DefenseMutableModel extends MutableModel<CbDefenseAPI> {
  /** The wrapper key of single-object answers and write bodies. */
  static infoKey = "";
  /** The key of a save answer that carries only the new id. */
  static answerIdKey = "";

  /** The static side, with the Defense keys. */
  protected get defenseClass(): typeof DefenseMutableModel {
    return this.constructor as typeof DefenseMutableModel;
  }

  /** Unwraps the `{infoKey}` object. */
  protected override parseDocument(json: unknown): Document {
    const cls = this.defenseClass;
    return unwrapDocument(json, cls.infoKey, `${cls.name} ${String(this.uniqueId)}`, this.cb.url);
  }

  /**
   * Applies a save answer: the wrapped object replaces the document; an answer with only the
   * id (or nothing) makes the object reload; `success: false` raises.
   *
   * @param data The parsed answer.
   * @param method The method sent.
   * @param path The path sent to.
   * @param options Signal and timeout of the reload.
   * @throws {ServerError} When the answer says `success: false` or is not an object.
   */
  protected override async handleSaveAnswer(
    data: unknown,
    method: string,
    path: string,
    options: LoadOptions,
  ): Promise<void> {
    const cls = this.defenseClass;
    const logger = this.cb.connection.logger;
    const url = `${this.cb.url}${path}`;
    if (data === undefined) {
      await this.refresh(options);
      return;
    }
    const text = JSON.stringify(data);
    logger.debug(`Received response: ${text}`);
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw new ServerError(
        `Cannot save ${cls.name}: ${method} ${url} answered ${
          redactText(text).slice(0, 200)
        }, not a JSON ` +
          `object. Reload the object to see what the server holds`,
        { status: 200, body: text, method, url, result: `Did not update ${cls.name} record.` },
      );
    }
    const doc = data as Document;
    checkSuccess(doc, text, 200, method, url, `save ${cls.name} ${String(this.uniqueId ?? "")}`);
    const inner = doc[cls.infoKey];
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      this.setDocument(inner as Document, true);
      return;
    }
    const newId = doc[cls.answerIdKey];
    if (newId !== undefined && newId !== null) {
      logger.debug("Only received an ID back from the server, forcing a refresh");
      this.setDocument({ ...this.info, [cls.primaryKey]: newId as ModelId }, false);
    }
    await this.refresh(options);
  }
}
