/**
 * Cb Response sensor groups (`/api/group`): their sensors, site, installers and third-party
 * data-sharing settings.
 *
 * @example Download the Windows installer of the default group
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const group = await cb.select(SensorGroup, 1);
 * const zip = new Uint8Array(await new Response(await group.installer("windows/exe")).arrayBuffer());
 * assert.ok(zip[0] === 0x50 && zip[1] === 0x4b); // "PK": a ZIP archive
 * ```
 *
 * @module
 */

import { idSegment, installFields } from "../core/_internal.ts";
import {
  type Document,
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  MutableModel,
  ObjectNotFoundError,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { SimpleQuery } from "./query.ts";
import { Sensor, type SensorQuery } from "./sensor.ts";
import { Site } from "./site.ts";

/** The installer kinds a Cb Response server builds for a group. */
export const INSTALLER_KINDS: readonly InstallerKind[] = [
  "windows/exe",
  "windows/msi",
  "osx",
  "linux",
];

/** One installer kind: `windows/exe`, `windows/msi`, `osx` or `linux`. */
export type InstallerKind = "windows/exe" | "windows/msi" | "osx" | "linux";

/** One third-party data-sharing setting of a group (`GET /api/v1/group/{id}/datasharing`). */
export interface DataSharingInfo {
  /** Who receives the data, for example `"BIT9"`. */
  who: string;
  /** What is shared, for example `"BIN"` (binaries) or `"MODINFO"`. */
  what: string;
  /** Further fields the server sends (`id`, `group_id`). */
  [field: string]: unknown;
}

/** The typed document fields of {@linkcode SensorGroup}, declared once in `SensorGroup.fields`. */
export interface SensorGroup
  extends
    WritableFieldValues<typeof SensorGroup.fields, never, "id">,
    Joins<typeof SensorGroup.joins> {}

/**
 * A sensor group. Created with `cb.create(SensorGroup)`; the server answers a create with
 * `{"id": N}` and the client loads the new group.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const sg = cb.create(SensorGroup, { name: "Critical Endpoints", site_id: 1 });
 * await sg.save();
 * assert.ok(typeof sg.id === "number");
 * ```
 */
export class SensorGroup extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/group";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save (schema `group-modify`). */
  static override required: readonly string[] = ["name", "site_id"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Group id. */
    id: "integer",
    /** Group name. */
    name: "string",
    /** Site id. */
    site_id: "integer",
    /** Alert criticality (`alert_criticality`, integer). */
    alert_criticality: "integer",
    /** Whether banning applies to the group. */
    banning_enabled: "boolean",
    /** Collect cross procs (`collect_cross_procs`, flag). */
    collect_cross_procs: "boolean",
    /** Collect emet events (`collect_emet_events`, flag). */
    collect_emet_events: "boolean",
    /** Collect filemods (`collect_filemods`, flag). */
    collect_filemods: "boolean",
    /** Collect filewritemd5s (`collect_filewritemd5s`, flag). */
    collect_filewritemd5s: "boolean",
    /** Collect moduleinfo (`collect_moduleinfo`, flag). */
    collect_moduleinfo: "boolean",
    /** Collect moduleloads (`collect_moduleloads`, flag). */
    collect_moduleloads: "boolean",
    /** Collect netconns (`collect_netconns`, flag). */
    collect_netconns: "boolean",
    /** Collect nonbinary filewrites (`collect_nonbinary_filewrites`, flag). */
    collect_nonbinary_filewrites: "boolean",
    /** Collect processes (`collect_processes`, flag). */
    collect_processes: "boolean",
    /** Collect regmods (`collect_regmods`, flag). */
    collect_regmods: "boolean",
    /** Collect storefiles (`collect_storefiles`, flag). */
    collect_storefiles: "boolean",
    /** Collect usercontext (`collect_usercontext`, flag). */
    collect_usercontext: "boolean",
    /** Datastore server (`datastore_server`, text). */
    datastore_server: "string",
    /** Max licenses (`max_licenses`, integer). */
    max_licenses: "integer",
    /** Quota eventlog bytes (`quota_eventlog_bytes`, text). */
    quota_eventlog_bytes: "string",
    /** Quota eventlog percent (`quota_eventlog_percent`, integer). */
    quota_eventlog_percent: "integer",
    /** Quota storefile bytes (`quota_storefile_bytes`, text). */
    quota_storefile_bytes: "string",
    /** Quota storefile percent (`quota_storefile_percent`, integer). */
    quota_storefile_percent: "integer",
    /** Sensor exe name (`sensor_exe_name`, text). */
    sensor_exe_name: "string",
    /** Sensor version policy. */
    sensor_version: "string",
    /** Sensorbackend server (`sensorbackend_server`, text). */
    sensorbackend_server: "string",
    /** Tamper level (`tamper_level`, integer). */
    tamper_level: "integer",
    /** Team access (`team_access`, list). */
    team_access: [{ team_id: "any", team_name: "any", access_category: "any" }],
    /** Vdi enabled (`vdi_enabled`, flag). */
    vdi_enabled: "boolean",
    /** Filter known dlls (`filter_known_dlls`, flag). */
    filter_known_dlls: "boolean",
    /** Process filter level (`process_filter_level`, integer). */
    process_filter_level: "integer",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ site: Site }> = {
    /**
     * The group's site (cached join on `site_id`).
     *
     * @example
     * ```ts
     * import assert from "node:assert/strict";
     * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
     * import { CbEmulator } from "@cbapi/cbapi/testing";
     * await using emu = await CbEmulator.start();
     * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
     * const group = await cb.select(SensorGroup, 1);
     * assert.ok((await group.site())?.name === "Default Site");
     * ```
     */
    site: join(() => Site, "site_id"),
  };

  /**
   * The list query of `GET /api/group`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<SensorGroup> {
    return new SimpleQuery(api, SensorGroup);
  }

  /**
   * Unwraps the answer: `GET /api/group/{id}` answers an array of one.
   *
   * @param json The parsed answer.
   * @returns The document.
   * @throws {ObjectNotFoundError} When the array is empty.
   */
  protected override parseDocument(json: unknown): Document {
    if (Array.isArray(json) && json.length === 0) {
      throw new ObjectNotFoundError(
        `Cannot find sensor group "${String(this.uniqueId)}" on ${this.cb.url}: the server ` +
          `answered an empty list. List the groups with cb.select(SensorGroup)`,
        { body: "[]", method: "GET", url: `${this.cb.url}${this.instanceUrl()}` },
      );
    }
    return super.parseDocument(Array.isArray(json) ? json[0] : json);
  }

  /**
   * Moves the group to a site (the Python `group.site = site`): stores the site's id in
   * `site_id`; `save()` sends it.
   *
   * @param site A site or a site id.
   * @throws {TypeError} When the site has no id (save it first).
   */
  setSite(site: Site | number): void {
    const id = typeof site === "number" ? site : site.uniqueId;
    if (id === undefined || id === null) {
      throw new TypeError(
        "Cannot set the site of a sensor group to a site without id: save the site first",
      );
    }
    this.setField("site_id", id);
  }

  /**
   * The group's third-party data-sharing settings (`GET /api/v1/group/{id}/datasharing`).
   *
   * @param options Signal and timeout.
   * @returns The settings (`{who, what}` entries); empty when nothing is shared.
   * @throws {ObjectNotFoundError} When the group does not exist.
   *
   * @example Is binary sharing with Carbon Black on?
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const group = await cb.select(SensorGroup, 1);
   * const shares = await group.dataSharing();
   * assert.ok(shares.some((s) => s.who === "BIT9" && s.what === "BIN"));
   * ```
   */
  async dataSharing(options: RequestOptions = {}): Promise<DataSharingInfo[]> {
    const data = await this.cb.connection.getObject<unknown>(
      `/api/v1/group/${idSegment(this.uniqueId, "SensorGroup")}/datasharing`,
      undefined,
      options,
    );
    return Array.isArray(data) ? data as DataSharingInfo[] : [];
  }

  /**
   * The group's sensors.
   *
   * @returns A sensor query filtered on this group.
   */
  sensors(): SensorQuery {
    return this.cb.select(Sensor).where(`groupid:${this.uniqueId}`);
  }

  /**
   * Downloads the sensor installer of this group (the Python `get_installer`) as a stream: the
   * ZIP archive the server builds, for one of {@linkcode INSTALLER_KINDS}.
   *
   * @param osName Installer kind.
   * @param options Signal and timeout.
   * @returns The installer bytes, streamed; read or cancel the stream.
   * @throws {RangeError} When the kind is not one of {@linkcode INSTALLER_KINDS}.
   * @throws {ObjectNotFoundError} When the group does not exist.
   */
  async installer(
    osName: InstallerKind = "windows/exe",
    options: RequestOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const kind = String(osName).replace(/^\/+/, "") as InstallerKind;
    if (!INSTALLER_KINDS.includes(kind)) {
      throw new RangeError(
        `Unknown installer kind "${osName}" for sensor group ${this.uniqueId} on ${this.cb.url}: ` +
          `use one of ${INSTALLER_KINDS.join(", ")}`,
      );
    }
    const res = await this.cb.connection.request(
      "GET",
      `/api/v1/group/${idSegment(this.uniqueId, "SensorGroup")}/installer/${kind}`,
      options,
    );
    return res.body ?? new ReadableStream({ start: (c) => c.close() });
  }
}
installFields(SensorGroup);
