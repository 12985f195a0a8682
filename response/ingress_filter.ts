/**
 * Cb Response ingress filters (`/api/v1/ingress_whitelist`, Cb Response 6.1+): rules that keep
 * matching processes' events out of the event store.
 *
 * @example List the enabled filters
 * ```ts
 * import { CbResponseAPI, IngressFilter } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * for await (const f of cb.select(IngressFilter).where("enabled:true")) console.log(f.name);
 * ```
 *
 * @module
 */

import {
  type FieldKind,
  installFields,
  type LoadOptions,
  MutableModel,
  ServerError,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { SimpleQuery } from "./query.ts";

/**
 * An ingress filter. Create one with `cb.create(IngressFilter)`: the create POSTs a JSON array
 * holding the document (with `"id": null` unless you chose an id), the server answers an array
 * of ids, and the client loads the new filter.
 *
 * @example Create, change and delete a filter
 * ```ts
 * import { CbResponseAPI, IngressFilter } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const f = cb.create(IngressFilter, {
 *   name: "Updater",
 *   description: "Ignore the updater",
 *   path_filters: ["c:\\program files\\updater\\update.exe"],
 * });
 * await f.save();
 * assert.ok(emu.state.ingressFilters.has(f.id!));
 * f.enabled = false;
 * await f.save();
 * await f.delete();
 * ```
 */
export class IngressFilter extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/ingress_whitelist";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** The create body keeps `id` (null unless chosen). */
  static override sendPrimaryKeyOnCreate = true;
  /** Fields that must be set before a save (schema `ingress_filter`). */
  static override required: readonly string[] = ["id", "name", "description"];
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "string",
    name: "string",
    description: "string",
    create_timestamp: "iso-date-time",
    modify_timestamp: "iso-date-time",
    create_user_id: "integer",
    modify_user_id: "integer",
    version: "integer",
    priority: "integer",
    os_mask: "integer",
    descendant_filtering_level: "integer",
    internal: "boolean",
    enabled: "boolean",
    filter_on_sensor: "boolean",
    filter_on_server: "boolean",
    track_metrics: "boolean",
    global: "boolean",
    filter_all_events: "boolean",
    hit_rate: "double",
    group_ids: "array",
    sensor_ids: "array",
    path_filters: "array",
    cmdline_filters: "array",
    md5_filters: "array",
    regmod_filters: "array",
    modload_filters: "array",
    filemod_filters: "array",
    non_binary_filemod_filters: "array",
    netconn_filters: "array",
    crossproc_filters: "array",
  };

  /**
   * The list query of `GET /api/v1/ingress_whitelist`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<IngressFilter> {
    return new SimpleQuery(api, IngressFilter);
  }

  /** Filter id (a string, for example a UUID). */
  declare readonly id: string | undefined;
  /** Name. */
  declare name: string | undefined;
  /** Description. */
  declare description: string | undefined;
  /** When it was created. */
  declare readonly create_timestamp: Date | undefined;
  /** When it last changed. */
  declare readonly modify_timestamp: Date | undefined;
  /** Who created it. */
  declare readonly create_user_id: number | undefined;
  /** Who last changed it. */
  declare readonly modify_user_id: number | undefined;
  /** Version, raised by every change. */
  declare readonly version: number | undefined;
  /** Priority. */
  declare priority: number | undefined;
  /** Operating systems: 1 Windows, 2 OS X, 4 Linux, ORed (7 = all). */
  declare os_mask: number | undefined;
  /** Descendants filtered too: 0 the matched process only, n levels, -1 all. */
  declare descendant_filtering_level: number | undefined;
  /** Whether it is a built-in filter. */
  declare internal: boolean | undefined;
  /** Whether it applies. */
  declare enabled: boolean | undefined;
  /** Whether the sensor drops the events. */
  declare filter_on_sensor: boolean | undefined;
  /** Whether the server drops the events. */
  declare filter_on_server: boolean | undefined;
  /** Whether hits are counted. */
  declare track_metrics: boolean | undefined;
  /** Whether it applies to every sensor group. */
  declare global: boolean | undefined;
  /** Whether every event kind is filtered. */
  declare filter_all_events: boolean | undefined;
  /** Hits per second (read-only). */
  declare readonly hit_rate: number | undefined;
  /** Sensor groups it applies to. */
  declare group_ids: number[];
  /** Sensors it applies to. */
  declare sensor_ids: number[];
  /** Process path patterns. */
  declare path_filters: string[];
  /** Command-line patterns. */
  declare cmdline_filters: string[];
  /** MD5s. */
  declare md5_filters: string[];
  /** Registry patterns. */
  declare regmod_filters: string[];
  /** Module-load patterns. */
  declare modload_filters: string[];
  /** File-write patterns. */
  declare filemod_filters: string[];
  /** Non-binary file-write patterns. */
  declare non_binary_filemod_filters: string[];
  /** Network-connection patterns. */
  declare netconn_filters: string[];
  /** Cross-process patterns. */
  declare crossproc_filters: string[];

  /** The create body: a JSON array holding the whole document. */
  protected override createBody(): unknown {
    return [this.toJSON()];
  }

  /**
   * Takes the new id from a create's answer (a JSON array of ids), then loads the filter.
   *
   * @param data The parsed answer.
   * @param method The method sent.
   * @param path The path sent to.
   * @param options Signal and timeout for the follow-up load.
   * @throws {ServerError} When a create's answer holds no id.
   */
  protected override async handleSaveAnswer(
    data: unknown,
    method: string,
    path: string,
    options: LoadOptions,
  ): Promise<void> {
    if (method !== "POST") return await super.handleSaveAnswer(data, method, path, options);
    const id = Array.isArray(data) ? data[0] : undefined;
    if (typeof id !== "string" && typeof id !== "number") {
      throw new ServerError(
        { status: 200, body: JSON.stringify(data ?? null), method, url: `${this.cb.url}${path}` },
        `Server ${this.cb.url} answered POST ${path} without the new ingress filter's id ` +
          `(expected a JSON array of ids): the filter may exist; list the filters before retrying`,
      );
    }
    this.cb.connection.logger.debug(`Received response: ${JSON.stringify(data)}`);
    this.setDocument({ ...this.info, id: String(id) }, false);
    await this.refresh(options);
  }
}
installFields(IngressFilter);
