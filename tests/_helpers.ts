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
 * Starts an emulator for a test: over HTTPS unless `tls: false` is given (plain HTTP is for tests
 * about HTTP itself), as real servers only speak HTTPS.
 *
 * @param emulator Emulator options.
 */
export function startEmulator(emulator: EmulatorOptions = {}): Promise<CbEmulator> {
  return CbEmulator.start({ tls: true, ...emulator });
}

/**
 * The connect options a user's credential profile gives for this emulator: a credential file
 * with `url`, `token` and, over HTTPS, `ssl_cert_file` pinning the emulator's certificate.
 *
 * @param emu The emulator.
 * @param product Whose token to write.
 */
export async function profileOptions(
  emu: CbEmulator,
  product: "response" | "protection" | "defense" = "response",
): Promise<{ credentialFile: string; profile: string }> {
  return { credentialFile: await emu.credentialsFile(product), profile: "default" };
}

/**
 * Starts an emulator (HTTPS unless `tls: false`) and connects an API of any product to it;
 * closes the emulator if the connection fails.
 *
 * @param emulator Emulator options.
 * @param connect Connects the API to the started emulator, logging into the given logger.
 */
export async function apiFixture<A extends { close(): Promise<void> }>(
  emulator: EmulatorOptions,
  connect: (emu: CbEmulator, logger: Logger) => Promise<A>,
): Promise<ApiFixture<A>> {
  const emu = await startEmulator(emulator);
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
 * Starts an emulator (HTTPS unless `tls: false`) and connects a Cb Response API to it through a
 * credential profile pinning its certificate (fast retries for tests).
 *
 * @param emulator Emulator options.
 * @param connect Extra connect options.
 */
export function responseFixture(
  emulator: EmulatorOptions = {},
  connect: ResponseConnectOptions = {},
): Promise<Fixture> {
  return apiFixture(emulator, async (emu, logger) =>
    CbResponseAPI.connect({
      ...await profileOptions(emu, "response"),
      ...FAST_RETRIES,
      logger,
      ...connect,
    }));
}

/** Requests the emulator logged after `from`, as `METHOD url` strings. */
export function requestsSince(emu: CbEmulator, from: number): string[] {
  return emu.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}
