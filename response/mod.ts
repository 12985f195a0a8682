/**
 * Cb Response (EDR): {@linkcode CbResponseAPI} and its models: processes with their tree,
 * binaries (streamed downloads), sensors (isolation), sensor groups and banned hashes.
 *
 * @example Hunt for net.exe share mounts on the emulator
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const query = cb.select(Process).where("process_name:net.exe").groupBy("id");
 * for await (const proc of query) {
 *   const sensor = await proc.sensor();
 *   console.log(`${sensor?.hostname}: ${proc.cmdline}`);
 * }
 * ```
 *
 * @module
 */

export {
  CbEnterpriseResponseAPI,
  CbResponseAPI,
  type ResponseConnectOptions,
  type ResponseQueryable,
  type ServerInfo,
} from "./api.ts";
export {
  type ArrayModelClass,
  ArrayQuery,
  type FacetEntry,
  type ListModelClass,
  type SearchModelClass,
  SearchQuery,
  type SearchResultData,
  type SearchState,
  SimpleQuery,
  timeFilterValue,
} from "./query.ts";
export {
  Process,
  ProcessQuery,
  type ProcessSummaryData,
  processUniqueId,
  type WalkCallback,
  type WalkOptions,
} from "./process.ts";
export { Binary, type FrequencyData, type SigningData, type VersionInfo } from "./binary.ts";
export { type IsolateOptions, type NetworkAdapter, Sensor, SensorQuery } from "./sensor.ts";
export { SensorGroup } from "./sensor_group.ts";
export { BannedHash } from "./banned_hash.ts";
