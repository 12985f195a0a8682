/**
 * Cb Defense: {@linkcode CbDefenseAPI} and its models {@linkcode Device}, {@linkcode Event} and
 * {@linkcode Policy} (with policy rules), the Defense query ({@linkcode DefenseQuery}: `key:value`
 * filters, pages of 100 with the backend's 1-based `start`) and notifications as an async
 * iterable.
 *
 * The API token of Cb Defense is `{API key}/{connector ID}` (profile key `token` in
 * `credentials.defense`). Connecting sends no request.
 *
 * @example The documentation's teaser: move a device into another policy
 * ```ts
 * import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 *
 * await using emu = await CbEmulator.start();
 * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
 * const devices = cb.select(Device)
 *   .where("hostNameExact:WIN-IA9NQ1GN8OI")
 *   .and("ipAddress:192.168.215.150");
 * for await (const dev of devices) {
 *   dev.policyName = "Restrictive_Windows_Workstation";
 *   await dev.save();
 *   assert.equal(dev.policyId, 7);
 * }
 * ```
 *
 * @module
 */

export {
  CbDefenseAPI,
  type DefenseConnectOptions,
  type DefenseNotification,
  type NotificationOptions,
} from "./api.ts";
export { DEFENSE_PAGE_SIZE, DefenseQuery } from "./query.ts";
export { DefenseMutableModel } from "./model.ts";
export { Device } from "./device.ts";
export { Event } from "./event.ts";
export { Policy, type PolicyRule } from "./policy.ts";
export {
  ApiError,
  ConnectionError,
  CredentialError,
  InvalidObjectError,
  MoreThanOneResultError,
  NoResultError,
  ObjectNotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from "../core/mod.ts";
