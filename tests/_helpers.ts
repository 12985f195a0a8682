// Shared test set-up: a fresh emulator per test and a Cb Response API connected to it.

import { CbResponseAPI, type ResponseConnectOptions } from "@cbapi/cbapi/response";
import type { Logger } from "@cbapi/cbapi/core";
import { CbEmulator, type EmulatorOptions } from "@cbapi/cbapi/testing";

/** An emulator and an API connected to it, closed together. */
export interface Fixture extends AsyncDisposable {
  emu: CbEmulator;
  cb: CbResponseAPI;
  logs: string[];
}

/** A logger that keeps every line. */
export function recordingLogger(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

/**
 * Starts an emulator and connects a Cb Response API to it (fast retries for tests).
 *
 * @param emulator Emulator options.
 * @param connect Extra connect options.
 */
export async function responseFixture(
  emulator: EmulatorOptions = {},
  connect: ResponseConnectOptions = {},
): Promise<Fixture> {
  const emu = await CbEmulator.start(emulator);
  const logs: string[] = [];
  try {
    const cb = await CbResponseAPI.connect({
      url: emu.url,
      token: emu.token,
      retryBaseDelayMs: 5,
      maxRetryDelayMs: 20,
      logger: recordingLogger(logs),
      ...(emu.certFile ? { sslCertFile: emu.certFile } : {}),
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
export function requestsSince(emu: CbEmulator, from: number): string[] {
  return emu.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}
