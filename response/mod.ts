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
  type UiTarget,
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
  type EventOptions,
  parseProcessGuid,
  Process,
  processGuid,
  type ProcessGuidInfo,
  type ProcessInit,
  ProcessQuery,
  type ProcessSummaryData,
  processUniqueId,
  type WalkCallback,
  type WalkOptions,
} from "./process.ts";
export {
  ChildProcEvent,
  type ChildProcFields,
  CrossProcEvent,
  type CrossProcFields,
  type EventContext,
  type EventFields,
  FileModEvent,
  type FileModFields,
  ModLoadEvent,
  type ModLoadFields,
  NetConnEvent,
  type NetConnFields,
  ProcessEvent,
  RegModEvent,
  type RegModFields,
} from "./events.ts";
export { Binary, type FrequencyData, type SigningData, type VersionInfo } from "./binary.ts";
export { FeedTaggedModel } from "./feed_tags.ts";
export { type IsolateOptions, type NetworkAdapter, Sensor, SensorQuery } from "./sensor.ts";
export {
  type DataSharingInfo,
  INSTALLER_KINDS,
  type InstallerKind,
  SensorGroup,
} from "./sensor_group.ts";
export { Site, ThrottleRule } from "./site.ts";
export { type GroupAccess, Team, type TeamRef, User } from "./user.ts";
export { Investigation, TaggedEvent } from "./investigation.ts";
export { IngressFilter } from "./ingress_filter.ts";
export {
  StoragePartition,
  type StoragePartitionInfo,
  StoragePartitionQuery,
} from "./storage_partition.ts";
export { getApiToken, type GetApiTokenOptions } from "./auth.ts";
export { BannedHash } from "./banned_hash.ts";
export { Feed, FeedAction } from "./feed.ts";
export {
  Watchlist,
  WatchlistAction,
  type WatchlistIndexType,
  type WatchlistSearch,
} from "./watchlist.ts";
export { ThreatReport, ThreatReportQuery } from "./threat_report.ts";
export { Alert, AlertQuery } from "./alert.ts";
export { ActionModel, type ActionTypeName } from "./action_model.ts";
