// Shared set-up of the Cb Defense tests: a fresh emulator and a CbDefenseAPI connected to it.

import { CbDefenseAPI, type DefenseConnectOptions } from "@cbapi/cbapi/defense";
import type { CbEmulator, EmulatorOptions, RecordedRequest } from "@cbapi/cbapi/testing";
import { type ApiFixture, apiFixture, FAST_RETRIES } from "../_helpers.ts";

/** An emulator and a Defense API connected to it, closed together. */
export type DefenseFixture = ApiFixture<CbDefenseAPI>;

/** Starts an emulator and connects a Defense API (fast retries for tests). */
export function defenseFixture(
  emulator: EmulatorOptions = {},
  connect: DefenseConnectOptions = {},
): Promise<DefenseFixture> {
  return apiFixture(
    emulator,
    (emu, logger) =>
      CbDefenseAPI.connect({
        url: emu.url,
        token: emu.defenseToken,
        ...FAST_RETRIES,
        logger,
        ...connect,
      }),
  );
}

/** The requests logged after `from`. */
export function since(emu: CbEmulator, from: number): RecordedRequest[] {
  return emu.requests.slice(from);
}

/** The requests logged after `from`, as `METHOD url` strings. */
export function linesSince(emu: CbEmulator, from: number): string[] {
  return since(emu, from).map((r) => `${r.method} ${r.url}`);
}

/** The Defense base path. */
export const V3 = "/integrationServices/v3";
