/**
 * A Cb Response 6.2 server emulator for tests, examples and benchmarks: a real HTTP(S) server
 * on 127.0.0.1 over a seeded, deterministic data set holding every object the cbapi
 * documentation uses (host `WIN-IA9NQ1GN8OI`, the `net.exe \\test\blah` chain, notepad.exe
 * `7FB55F5A62E78AF9B58D08AAEEAEF848`, ...). It evaluates the Carbon Black query language, pages,
 * sorts, facets and groups searches, keeps sensor isolation state, logs every request (token
 * redacted) and injects faults: status codes, `Retry-After`, delays, dropped connections,
 * truncated or non-JSON bodies and redirects.
 *
 * From the shell: `deno task emulator [--port N] [--tls] [--certificate KIND] [--cert-dir DIR]
 * [--seed S] [--scale N]` (`--help` lists every flag).
 *
 * @example Search the documentation's net.exe processes
 * ```ts
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 *
 * await using emu = await CbEmulator.start();
 * const q = new URLSearchParams({ q: "process_name:net.exe cmdline:\\\\test\\blah", rows: "10" });
 * const res = await fetch(`${emu.url}/api/v1/process?${q}`, {
 *   headers: { "X-Auth-Token": emu.token },
 * });
 * const page = await res.json();
 * assert.equal(page.total_results, 2);
 * ```
 *
 * @module
 */
export { CbEmulator } from "./emulator.ts";
export type {
  CredentialsFileOptions,
  EmulatorCertificate,
  EmulatorOptions,
  RecordedRequest,
} from "./options.ts";
export type { FaultController, FaultRule } from "./faults.ts";
export type {
  BannedHashDoc,
  BinaryRecord,
  ChildprocEvent,
  CrossprocEvent,
  EmulatorState,
  FilemodEvent,
  ModloadEvent,
  NetconnEvent,
  ProcessEvents,
  ProcessRecord,
  ProcessSegment,
  RegmodEvent,
  SensorDoc,
  SensorGroupDoc,
  SiteDoc,
  WatchlistDoc,
} from "./state.ts";
export type { ProtectionEmulatorOptions, ProtectionState } from "./protection/_register.ts";
export type { DefenseEmulatorOptions, DefenseState } from "./defense/_register.ts";
export type { LiveResponseEmulatorOptions, LiveResponseState } from "./live_response/_register.ts";
