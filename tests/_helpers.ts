// Shared test set-up: a fresh emulator per test and a Cb Response API connected to it.

import { CbResponseAPI, type ResponseConnectOptions } from "@cbapi/cbapi/response";
import type { Logger } from "@cbapi/cbapi/core";
import { CbEmulator, type EmulatorOptions } from "@cbapi/cbapi/testing";

/** A logger that keeps every line. */
export function recordingLogger(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

/** An emulator and an API connected to it, closed together. */
export interface ApiFixture<A extends { close(): Promise<void> }> extends AsyncDisposable {
  emu: CbEmulator;
  cb: A;
  logs: string[];
}

/** An emulator and a Cb Response API connected to it, closed together. */
export type Fixture = ApiFixture<CbResponseAPI>;

/** Fast retries for tests: the faults tests inject make no test wait for long. */
export const FAST_RETRIES = { retryBaseDelayMs: 2, maxRetryDelayMs: 20 } as const;

/**
 * Starts an emulator and connects an API of any product to it; closes the emulator if the
 * connection fails.
 *
 * @param emulator Emulator options.
 * @param connect Connects the API to the started emulator, logging into the given logger.
 */
export async function apiFixture<A extends { close(): Promise<void> }>(
  emulator: EmulatorOptions,
  connect: (emu: CbEmulator, logger: Logger) => Promise<A>,
): Promise<ApiFixture<A>> {
  const emu = await CbEmulator.start(emulator);
  const logs: string[] = [];
  try {
    const cb = await connect(emu, recordingLogger(logs));
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

/**
 * Starts an emulator and connects a Cb Response API to it (fast retries for tests).
 *
 * @param emulator Emulator options.
 * @param connect Extra connect options.
 */
export function responseFixture(
  emulator: EmulatorOptions = {},
  connect: ResponseConnectOptions = {},
): Promise<Fixture> {
  return apiFixture(emulator, (emu, logger) =>
    CbResponseAPI.connect({
      url: emu.url,
      token: emu.token,
      ...FAST_RETRIES,
      logger,
      ...(emu.certFile ? { sslCertFile: emu.certFile } : {}),
      ...connect,
    }));
}

/** Requests the emulator logged after `from`, as `METHOD url` strings. */
export function requestsSince(emu: CbEmulator, from: number): string[] {
  return emu.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}
