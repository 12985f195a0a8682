/**
 * `@cbapi/cbapi`: a typed, async Deno client for the VMware Carbon Black Response (EDR),
 * Protection (App Control) and Defense REST APIs, wire-compatible with the Python `cbapi` 1.3.6,
 * with a faithful server emulator in `@cbapi/cbapi/testing`.
 *
 * Each product is re-exported as a namespace because their model names clash (both Protection
 * and Defense have a `Policy`); scripts usually import the product's own entry point instead:
 * `@cbapi/cbapi/response`, `@cbapi/cbapi/protection`, `@cbapi/cbapi/defense`,
 * `@cbapi/cbapi/live-response`, `@cbapi/cbapi/core`.
 *
 * @example Connect to the emulator through the root entry point
 * ```ts
 * import assert from "node:assert/strict";
 * import { response } from "@cbapi/cbapi";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await response.CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const sensors = await cb.select(response.Sensor).toArray();
 * assert.ok(sensors.length > 0);
 * ```
 *
 * @module
 */

export * as core from "./core/mod.ts";
export * as response from "./response/mod.ts";
export * as protection from "./protection/mod.ts";
export * as defense from "./defense/mod.ts";
export * as liveResponse from "./live_response/mod.ts";
