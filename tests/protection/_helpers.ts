// Shared test set-up: a fresh emulator per test and a Cb Protection API connected to it.

import { CbProtectionAPI, type ProtectionConnectOptions } from "@cbapi/cbapi/protection";
import type { CbEmulator, EmulatorOptions } from "@cbapi/cbapi/testing";
import { type ApiFixture, apiFixture, FAST_RETRIES, profileOptions } from "../_helpers.ts";

/** An emulator and a Protection API connected to it, closed together. */
export type ProtectionFixture = ApiFixture<CbProtectionAPI>;

/**
 * Starts an emulator (HTTPS unless `tls: false`) and connects a Cb Protection API to it through
 * a credential profile pinning its certificate (fast retries for tests).
 *
 * @param emulator Emulator options.
 * @param connect Extra connect options.
 */
export function protectionFixture(
  emulator: EmulatorOptions = {},
  connect: ProtectionConnectOptions = {},
): Promise<ProtectionFixture> {
  return apiFixture(
    emulator,
    async (emu, logger) =>
      CbProtectionAPI.connect({
        ...await profileOptions(emu, "protection"),
        ...FAST_RETRIES,
        logger,
        ...connect,
      }),
  );
}

/** Requests the emulator logged after `from`, as `METHOD url` strings. */
export function since(emu: CbEmulator, from: number): string[] {
  return emu.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}

/** The emulator's live collection of a Protection object type. */
export function coll(emu: CbEmulator, name: string): Map<number, Record<string, unknown>> {
  const c = emu.state.protection.collections.get(name);
  if (!c) throw new Error(`no collection ${name}`);
  return c;
}
