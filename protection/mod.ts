/**
 * Cb Protection (App Control): {@linkcode CbProtectionAPI} and every model of its REST API
 * (`/api/bit9platform/v1/`): computers, file instances and catalog entries, file rules,
 * policies, approval requests, certificates and publishers, analysis connectors with their
 * pending analyses and notifications, events, users, and the rest.
 *
 * Queries send one `q=` condition per `where()` (the server ANDs them), page 1000 rows at a
 * time with `limit`/`offset`, and count with `limit=-1`. Joins are async methods served from
 * the object cache.
 *
 * @example Approve frequently seen files on the computers of a policy
 * ```ts
 * import { CbProtectionAPI, Computer } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const computers = cb.select(Computer).where("policyName:Default*").and("deleted:false");
 * for await (const computer of computers) {
 *   for await (const fi of computer.fileInstances().where("localState:1")) {
 *     if (((await fi.fileCatalog())?.prevalence ?? 0) >= 10) {
 *       fi.localState = 2;
 *       await fi.save();
 *     }
 *   }
 * }
 * ```
 *
 * @module
 */

export {
  CbEnterpriseProtectionAPI,
  CbProtectionAPI,
  type ProtectionConnectOptions,
  type ServerConfigEntry,
} from "./api.ts";
export {
  PROTECTION_PAGE_SIZE,
  type ProtectionModelClass,
  ProtectionQuery,
  type ProtectionQueryState,
} from "./query.ts";
export { Computer } from "./computer.ts";
export { EnforcementLevel, Policy } from "./policy.ts";
export {
  FileInstance,
  FileInstanceDeleted,
  FileInstanceGroup,
  InternalEvent,
} from "./file_instance.ts";
export { FileAnalysis, FileCatalog, FileUpload } from "./file_catalog.ts";
export { FileRule } from "./file_rule.ts";
export { ApprovalRequest } from "./approval_request.ts";
export { Certificate, Publisher, PublisherCertificate } from "./certificate.ts";
export { Connector, Notification, PendingAnalysis } from "./connector.ts";
export { DriftReport, DriftReportContents, Event, MeteredExecution, Notifier } from "./event.ts";
export { GrantedUserPolicyPermission, TrustedUser, User, UserGroup } from "./user.ts";
export {
  ScriptRule,
  ServerConfig,
  ServerPerformance,
  TrustedDirectory,
  Updater,
} from "./server.ts";
export {
  ApiError,
  ConnectionError,
  CredentialError,
  InvalidObjectError,
  MoreThanOneResultError,
  NoResultError,
  ObjectNotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from "../core/mod.ts";
