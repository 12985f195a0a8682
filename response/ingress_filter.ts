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
  type LoadOptions,
  MutableModel,
  ServerError,
  type WritableFieldValues,
} from "../core/mod.ts";
import { installFields } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";
import { SimpleQuery } from "./query.ts";

/** The typed document fields of {@linkcode IngressFilter}, declared once in `IngressFilter.fields`. */
export interface IngressFilter extends
  WritableFieldValues<
    typeof IngressFilter.fields,
    never,
    | "create_timestamp"
    | "create_user_id"
    | "hit_rate"
    | "id"
    | "modify_timestamp"
    | "modify_user_id"
    | "version"
  > {}

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
export class IngressFilter extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/ingress_whitelist";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** The create body keeps `id` (null unless chosen). */
  static override sendPrimaryKeyOnCreate = true;
  /** Fields that must be set before a save (schema `ingress_filter`). */
  static override required: readonly string[] = ["id", "name", "description"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Filter id (a string, for example a UUID). */
    id: "string",
    /** Name. */
    name: "string",
    /** Description. */
    description: "string",
    /** When it was created. */
    create_timestamp: "iso-date-time",
    /** When it last changed. */
    modify_timestamp: "iso-date-time",
    /** Who created it. */
    create_user_id: "integer",
    /** Who last changed it. */
    modify_user_id: "integer",
    /** Version, raised by every change. */
    version: "integer",
    /** Priority. */
    priority: "integer",
    /** Operating systems: 1 Windows, 2 OS X, 4 Linux, ORed (7 = all). */
    os_mask: "integer",
    /** Descendants filtered too: 0 the matched process only, n levels, -1 all. */
    descendant_filtering_level: "integer",
    /** Whether it is a built-in filter. */
    internal: "boolean",
    /** Whether it applies. */
    enabled: "boolean",
    /** Whether the sensor drops the events. */
    filter_on_sensor: "boolean",
    /** Whether the server drops the events. */
    filter_on_server: "boolean",
    /** Whether hits are counted. */
    track_metrics: "boolean",
    /** Whether it applies to every sensor group. */
    global: "boolean",
    /** Whether every event kind is filtered. */
    filter_all_events: "boolean",
    /** Hits per second (read-only). */
    hit_rate: "double",
    /** Sensor groups it applies to. */
    group_ids: ["integer"],
    /** Sensors it applies to. */
    sensor_ids: ["integer"],
    /** Process path patterns. */
    path_filters: ["string"],
    /** Command-line patterns. */
    cmdline_filters: ["string"],
    /** MD5s. */
    md5_filters: ["string"],
    /** Registry patterns. */
    regmod_filters: ["string"],
    /** Module-load patterns. */
    modload_filters: ["string"],
    /** File-write patterns. */
    filemod_filters: ["string"],
    /** Non-binary file-write patterns. */
    non_binary_filemod_filters: ["string"],
    /** Network-connection patterns. */
    netconn_filters: ["string"],
    /** Cross-process patterns. */
    crossproc_filters: ["string"],
  } as const;

  /**
   * The list query of `GET /api/v1/ingress_whitelist`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<IngressFilter> {
    return new SimpleQuery(api, IngressFilter);
  }

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
        `Server ${this.cb.url} answered POST ${path} without the new ingress filter's id ` +
          `(expected a JSON array of ids): the filter may exist; list the filters before retrying`,
        { status: 200, body: JSON.stringify(data ?? null), method, url: `${this.cb.url}${path}` },
      );
    }
    this.cb.connection.logger.debug(`Received response: ${JSON.stringify(data)}`);
    this.setDocument({ ...this.info, id: String(id) }, false);
    await this.refresh(options);
  }
}
installFields(IngressFilter);
