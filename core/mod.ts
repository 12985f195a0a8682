/**
 * The product-neutral core of `@cbapi/cbapi`: credentials, the connection (the one request path),
 * the error tree, logging, the object cache, and the model and query bases that the Cb Response,
 * Protection and Defense modules build on.
 *
 * Most scripts import a product module instead (`@cbapi/cbapi/response`); import `core` for the
 * error classes, the credential loader, or to build on the bases.
 *
 * @example Catch a missing object
 * ```ts
 * import assert from "node:assert/strict";
 * import { ObjectNotFoundError } from "@cbapi/cbapi/core";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * try {
 *   await cb.select(Sensor, 999999);
 * } catch (err) {
 *   assert.ok(err instanceof ObjectNotFoundError);
 * }
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export {
  type CredentialOptions,
  type Credentials,
  credentialSearchPath,
  type CredentialSearchPathOptions,
  loadCredentials,
  type Product,
} from "./credentials.ts";
export {
  Connection,
  type ConnectOptions,
  type HttpRequest,
  type JsonResponse,
  type QueryParams,
  type RequestOptions,
  RESPONSE_DEFAULT_TIMEOUT_MS,
  USER_AGENT_PREFIX,
} from "./connection.ts";
export type { QueryScalar, QueryValue } from "./_encode.ts";
export {
  consoleLogger,
  formatSeconds,
  type Logger,
  SILENT_LOGGER,
  warningsOnlyLogger,
} from "./log.ts";
export type {
  FieldKind,
  FieldMap,
  FieldSpec,
  FieldValue,
  FieldValues,
  JoinKey,
  JoinMap,
  JoinMethod,
  JoinOptions,
  Joins,
  JoinSpec,
  JoinSpecs,
  JoinTarget,
  NestedKinds,
  NestedValue,
  TopKinds,
  Typed,
  WritableFieldValues,
} from "./fields.ts";
export { canonicalId, join } from "./fields.ts";
export { ObjectCache, type ObjectCacheOptions } from "./cache.ts";
export {
  displayValue,
  type Document,
  type IdKind,
  type LoadOptions,
  Model,
  type ModelApi,
  type ModelClass,
  type ModelId,
  type ModelInit,
} from "./model.ts";
export { MutableModel, type SaveOptions } from "./mutable_model.ts";
export {
  BaseQuery,
  type ClauseRule,
  DEFAULT_PAGES_IN_FLIGHT,
  ListQuery,
  type Page,
  PaginatedQuery,
  type PaginatedState,
  type QueryOptions,
  type QueryState,
} from "./query.ts";
export { type ApiOptions, BaseAPI } from "./api.ts";
export {
  compareVersions,
  parseLooseVersion,
  versionAtLeast,
  type VersionComponent,
} from "./version.ts";
