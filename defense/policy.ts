/**
 * Cb Defense policies (`/integrationServices/v3/policy`) and their rules.
 *
 * @module
 */

import {
  ApiError,
  type IdKind,
  ObjectNotFoundError,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import { idSegment, installFields } from "../core/_internal.ts";
import { checkSuccess, serverMessage } from "./_base.ts";
import { DefenseMutableModel } from "./model.ts";

/** A policy rule (`fixtures/cb-defense/policy_rules/*.json` are examples). */
export interface PolicyRule {
  /** Rule id, unique in its policy (the server assigns it on add). */
  id?: number;
  /** Whether the rule is required. */
  required: boolean;
  /** `TERMINATE`, `DENY` or `IGNORE`. */
  action: string;
  /** `RUN`, `INVOKE_SCRIPT`, `NETWORK`, `MEMORY_SCRAPE`, `RANSOM`, ... */
  operation: string;
  /** What the rule applies to: `{type: "REPUTATION", value: "KNOWN_MALWARE"}` or a `NAME_PATH`. */
  application: { type: string; value: string };
  /** Further fields the server sends. */
  [key: string]: unknown;
}

/** The typed document fields of {@linkcode Policy}, declared once in `Policy.fields`. */
export interface Policy
  extends
    WritableFieldValues<typeof Policy.fields, never, "id" | "latestRevision" | "systemPolicy"> {}

/**
 * A Cb Defense policy. Create one with `cb.create(Policy)`, set `name`, `description`,
 * `priorityLevel`, `version` (2) and `policy` (the settings object with its `rules`), then save:
 * the client POSTs `{"policyInfo": {...}}` and loads the policy the server created. Updates PUT
 * the whole `policyInfo`; rules are added, replaced and deleted one by one.
 *
 * @example Add a rule to a policy and read it back
 * ```ts
 * import { CbDefenseAPI, Policy } from "@cbapi/cbapi/defense";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
 * const policy = await cb.select(Policy, 9);
 * await policy.addRule({
 *   required: false,
 *   action: "DENY",
 *   operation: "RUN",
 *   application: { type: "REPUTATION", value: "KNOWN_MALWARE" },
 * });
 * assert.equal([...policy.rules.values()][0]?.action, "DENY");
 * ```
 */
export class Policy extends DefenseMutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/integrationServices/v3/policy";
  /** The wrapper of single answers and of write bodies. */
  static override infoKey = "policyInfo";
  /** The id key of a create answer. */
  static override answerIdKey = "policyId";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = [
    "description",
    "name",
    "policy",
    "priorityLevel",
    "version",
  ];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Policy id. */
    id: "integer",
    /** Policy name. */
    name: "string",
    /** Description. */
    description: "string",
    /** `HIGH`, `MEDIUM` or `LOW`. */
    priorityLevel: "string",
    /** Policy format version (2). */
    version: "integer",
    /** Time of the last change. */
    latestRevision: "epoch-ms-date-time",
    /** Whether this is a built-in policy. */
    systemPolicy: "boolean",
    /** The settings: `rules`, `sensorSettings`, `avSettings`, ... */
    policy: "object",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The rules of the policy by rule id (read from `policy.rules`). */
  get rules(): Map<number, PolicyRule> {
    const list = this.policy.rules;
    const out = new Map<number, PolicyRule>();
    if (!Array.isArray(list)) return out;
    for (const r of list as PolicyRule[]) {
      if (r && typeof r === "object") out.set(Number(r.id), r);
    }
    return out;
  }

  /** The create body: `{"policyInfo": document without id}`. */
  protected override createBody(): unknown {
    return { policyInfo: super.createBody() };
  }

  /** The update body: `{"policyInfo": whole document}`. */
  protected override updateBody(): unknown {
    return { policyInfo: this.toJSON() };
  }

  /**
   * Adds a rule (`POST policy/{id}/rule` with `{"ruleInfo": rule}`), then reloads the policy.
   *
   * @param rule The rule (its `id` is assigned by the server).
   * @param options Signal and timeout.
   * @returns This policy, reloaded.
   * @throws {TypeError} When the rule is not an object.
   * @throws {ServerError} When the server refuses the rule.
   */
  async addRule(rule: PolicyRule, options: RequestOptions = {}): Promise<this> {
    checkRule(rule);
    await this.#ruleRequest("POST", "rule", { ruleInfo: rule }, "add a rule to", options);
    return await this.refresh(options);
  }

  /**
   * Deletes a rule (`DELETE policy/{id}/rule/{ruleId}`), then reloads the policy.
   *
   * @param ruleId The rule id.
   * @param options Signal and timeout.
   * @returns This policy, reloaded.
   * @throws {ObjectNotFoundError} When the policy has no such rule (the server's message says so).
   */
  async deleteRule(ruleId: number | string, options: RequestOptions = {}): Promise<this> {
    await this.#ruleRequest(
      "DELETE",
      `rule/${idSegment(ruleId, "rule")}`,
      undefined,
      `delete rule ${ruleId} of`,
      options,
    );
    return await this.refresh(options);
  }

  /**
   * Replaces a rule (`PUT policy/{id}/rule/{ruleId}` with `{"ruleInfo": rule}`), then reloads
   * the policy.
   *
   * @param ruleId The rule id.
   * @param rule The new rule.
   * @param options Signal and timeout.
   * @returns This policy, reloaded.
   * @throws {TypeError} When the rule is not an object.
   * @throws {ObjectNotFoundError} When the policy has no such rule (the server's message says so).
   */
  async replaceRule(
    ruleId: number | string,
    rule: PolicyRule,
    options: RequestOptions = {},
  ): Promise<this> {
    checkRule(rule);
    await this.#ruleRequest(
      "PUT",
      `rule/${idSegment(ruleId, "rule")}`,
      { ruleInfo: rule },
      `replace rule ${ruleId} of`,
      options,
    );
    return await this.refresh(options);
  }

  async #ruleRequest(
    method: string,
    sub: string,
    json: unknown,
    what: string,
    options: RequestOptions,
  ): Promise<void> {
    const id = this.uniqueId;
    if (id === undefined || id === null) {
      throw new ApiError(
        `Cannot ${what} a policy that is not saved yet on ${this.cb.url}: save() it first`,
      );
    }
    const path = `${this.instanceUrl()}/${sub}`;
    const url = `${this.cb.url}${path}`;
    const action = `${what} policy ${String(id)}`;
    try {
      const res = await this.cb.connection.requestJson(
        method,
        path,
        json === undefined ? options : { ...options, json },
      );
      checkSuccess(res.data, res.text, res.status, method, url, action);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) {
        const body = err.body ?? "";
        throw new ObjectNotFoundError(
          `Cannot ${action} on ${this.cb.url}: the server says "${serverMessage(body)}". ` +
            `Check the ids in policy.rules (reload the policy if it changed)`,
          { status: 404, body, method, url, cause: err },
        );
      }
      throw err;
    }
  }
}
installFields(Policy);

function checkRule(rule: unknown): void {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) {
    throw new TypeError(
      `A policy rule must be an object like {"action", "operation", "application", "required"}, ` +
        `got ${JSON.stringify(rule)}`,
    );
  }
}
