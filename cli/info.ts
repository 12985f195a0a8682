/**
 * `cbapi info`: connects to Cb Response (credential profile, or `--cburl` with `--apitoken`)
 * and prints the server version, its license request block and how many sensors, processes and
 * binaries it holds.
 *
 * @module
 */

import {
  Binary,
  CbResponseAPI,
  Process,
  type ResponseConnectOptions,
  Sensor,
} from "../response/mod.ts";
import { closeOnSignal } from "../live_response/mod.ts";
import type { Io } from "./_io.ts";

/** What `info` reports (also its `--json` output). */
export interface InfoReport {
  /** The server's base URL. */
  url: string;
  /** The server version (`/api/info`). */
  version: string;
  /** The license request block (`/api/license`), empty when the server has none. */
  licenseRequest: string;
  /** Number of sensors. */
  sensors: number;
  /** Number of processes. */
  processes: number;
  /** Number of binaries. */
  binaries: number;
}

/**
 * Collects the report.
 *
 * @param options How to connect.
 * @returns The report.
 */
export async function collectInfo(options: ResponseConnectOptions): Promise<InfoReport> {
  await using cb = await CbResponseAPI.connect(options);
  // Ctrl-C closes the connection (and any session) before exiting.
  using _interrupts = closeOnSignal(cb);
  const [licenseRequest, sensors, processes, binaries] = await Promise.all([
    cb.licenseRequest(),
    cb.select(Sensor).count(),
    cb.select(Process).count(),
    cb.select(Binary).count(),
  ]);
  return { url: cb.url, version: cb.serverVersion, licenseRequest, sensors, processes, binaries };
}

/**
 * Prints the report.
 *
 * @param report The report.
 * @param io Output.
 * @param json Whether to print JSON.
 */
export function printInfo(report: InfoReport, io: Io, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  io.out(`Cb Response server ${report.url}`);
  io.out(`  ${"Server version".padEnd(16)}: ${report.version}`);
  io.out(`  ${"Sensors".padEnd(16)}: ${report.sensors}`);
  io.out(`  ${"Processes".padEnd(16)}: ${report.processes}`);
  io.out(`  ${"Binaries".padEnd(16)}: ${report.binaries}`);
  io.out(`  ${"License request".padEnd(16)}:`);
  for (const line of report.licenseRequest.trimEnd().split("\n")) io.out(`    ${line}`);
}
