/**
 * Live Response for Cb Response (`/api/v1/cblr`) and Cb Defense (`/integrationServices/v3/cblr`):
 * sessions that always close ({@linkcode LiveResponseSession}, opened with `await using`), every
 * command of the Python library (files, directories, registry, processes, memory dumps), and a
 * job scheduler that fans one job out over many sensors within the server's session slots
 * ({@linkcode LiveResponseManager.submitJob}).
 *
 * Products reach it through their API (`cb.liveResponse`, `sensor.lrSession()`); any
 * {@linkcode Connection} can use it through {@linkcode liveResponseFor}.
 *
 * @example Read a file, then fan a job out over three sensors
 * ```ts
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * cb.liveResponse.configure({ sessionPollIntervalMs: 5, commandPollIntervalMs: 5 });
 * const sensor = await cb.select(Sensor).where("hostname:WIN-IA9NQ1GN8OI").first();
 * {
 *   await using session = await sensor!.lrSession();
 *   console.log(new TextDecoder().decode(await session.getFile(String.raw`c:\test.txt`)));
 * }
 * await using jobs = cb.liveResponse.submitJob((s) => s.listProcesses(), [1, 2, 3]);
 * for await (const r of jobs) console.log(r.sensorId, r.ok ? r.value.length : r.error);
 * ```
 *
 * @module
 */

export { LiveResponseError } from "../core/mod.ts";
export type { Connection } from "../core/mod.ts";
export {
  type LiveResponseFlavour,
  liveResponseFor,
  LiveResponseManager,
  type LiveResponseSettings,
  type SensorRef,
  type SessionOptions,
} from "./manager.ts";
export {
  type CommandDocument,
  type CommandOptions,
  type CreateProcessOptions,
  type DirectoryEntry,
  LiveResponseSession,
  type ProcessEntry,
  type RegistryListing,
  type RegistryValue,
  type RegistryValueType,
  type SessionDocument,
  type SetRegistryValueOptions,
  type UploadData,
  type WalkEntry,
  type WalkOptions,
} from "./session.ts";
export { LiveResponseMemdump, type MemdumpOptions } from "./memdump.ts";
export { FileBytes } from "./file_bytes.ts";
export { type Closable, closeOnSignal, type CloseOnSignalOptions } from "./signals.ts";
export {
  type JobContext,
  type JobResult,
  JobRun,
  type LiveResponseJob,
  type SubmitJobOptions,
} from "./jobs.ts";
export {
  type CommandErrorContext,
  type DecodedHresult,
  decodeHresult,
  liveResponseErrorFrom,
  win32ErrorName,
} from "./win32.ts";
