// Shared set-up of the Cb Defense tests: a fresh emulator and a CbDefenseAPI connected to it.

import { CbDefenseAPI, type DefenseConnectOptions } from "@cbapi/cbapi/defense";
import type { CbEmulator, EmulatorOptions, RecordedRequest } from "@cbapi/cbapi/testing";
import { type ApiFixture, apiFixture, FAST_RETRIES, profileOptions } from "../_helpers.ts";

/** An emulator and a Defense API connected to it, closed together. */
export type DefenseFixture = ApiFixture<CbDefenseAPI>;

/**
 * Starts an emulator (HTTPS unless `tls: false`) and connects a Defense API through a credential
 * profile pinning its certificate (fast retries for tests).
 */
export function defenseFixture(
  emulator: EmulatorOptions = {},
  connect: DefenseConnectOptions = {},
): Promise<DefenseFixture> {
  return apiFixture(
    emulator,
    async (emu, logger) =>
      CbDefenseAPI.connect({
        ...await profileOptions(emu, "defense"),
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
