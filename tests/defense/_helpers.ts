// Shared set-up of the Cb Defense tests: a fresh emulator and a CbDefenseAPI connected to it.

import { CbDefenseAPI, type DefenseConnectOptions } from "@cbapi/cbapi/defense";
import { CbEmulator, type EmulatorOptions, type RecordedRequest } from "@cbapi/cbapi/testing";
import type { Logger } from "@cbapi/cbapi/core";

/** A logger that keeps every line. */
export function recordingLogger(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

/** An emulator and a Defense API connected to it, closed together. */
export interface DefenseFixture extends AsyncDisposable {
  emu: CbEmulator;
  cb: CbDefenseAPI;
  logs: string[];
}

/** Starts an emulator and connects a Defense API (fast retries for tests). */
export async function defenseFixture(
  emulator: EmulatorOptions = {},
  connect: DefenseConnectOptions = {},
): Promise<DefenseFixture> {
  const emu = await CbEmulator.start(emulator);
  const logs: string[] = [];
  try {
    const cb = await CbDefenseAPI.connect({
      url: emu.url,
      token: emu.defenseToken,
      retryBaseDelayMs: 2,
      maxRetryDelayMs: 10,
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
