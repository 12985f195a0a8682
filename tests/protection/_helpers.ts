// Shared test set-up: a fresh emulator per test and a Cb Protection API connected to it.

import { CbProtectionAPI, type ProtectionConnectOptions } from "@cbapi/cbapi/protection";
import { CbEmulator, type EmulatorOptions } from "@cbapi/cbapi/testing";
import { recordingLogger } from "../_helpers.ts";

/** An emulator and a Protection API connected to it, closed together. */
export interface ProtectionFixture extends AsyncDisposable {
  emu: CbEmulator;
  cb: CbProtectionAPI;
  logs: string[];
}

/**
 * Starts an emulator and connects a Cb Protection API to it (fast retries for tests).
 *
 * @param emulator Emulator options.
 * @param connect Extra connect options.
 */
export async function protectionFixture(
  emulator: EmulatorOptions = {},
  connect: ProtectionConnectOptions = {},
): Promise<ProtectionFixture> {
  const emu = await CbEmulator.start(emulator);
  const logs: string[] = [];
  try {
    const cb = await CbProtectionAPI.connect({
      url: emu.url,
      token: emu.token,
      retryBaseDelayMs: 5,
      maxRetryDelayMs: 20,
      logger: recordingLogger(logs),
      ...connect,
    });
    return {
      emu,
      cb,
      logs,
      async [Symbol.asyncDispose]() {
        await cb.close();
        await emu.close();
      },
    };
  } catch (err) {
    await emu.close();
    throw err;
  }
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
