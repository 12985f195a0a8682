/**
 * Cb Response sensor groups (`/api/group`).
 *
 * @module
 */

import {
  type Document,
  type FieldKind,
  installFields,
  type ModelId,
  MutableModel,
  type RequestOptions,
} from "../core/mod.ts";
import { toInt } from "../core/_parse.ts";
import type { CbResponseAPI } from "./api.ts";
import { SimpleQuery } from "./query.ts";
import { Sensor, type SensorQuery } from "./sensor.ts";

/**
 * A sensor group. Created with `cb.create(SensorGroup)`; the server answers a create with
 * `{"id": N}` and the client loads the new group.
 *
 * @example
 * ```ts
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const sg = cb.create(SensorGroup, { name: "Critical Endpoints", site_id: 1 });
 * await sg.save();
 * console.assert(typeof sg.id === "number");
 * ```
 */
export class SensorGroup extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/group";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    site_id: "integer",
    alert_criticality: "integer",
    banning_enabled: "boolean",
    collect_cross_procs: "boolean",
    collect_emet_events: "boolean",
    collect_filemods: "boolean",
    collect_filewritemd5s: "boolean",
    collect_moduleinfo: "boolean",
    collect_moduleloads: "boolean",
    collect_netconns: "boolean",
    collect_nonbinary_filewrites: "boolean",
    collect_processes: "boolean",
    collect_regmods: "boolean",
    collect_storefiles: "boolean",
    collect_usercontext: "boolean",
    datastore_server: "string",
    max_licenses: "integer",
    quota_eventlog_bytes: "string",
    quota_eventlog_percent: "integer",
    quota_storefile_bytes: "string",
    quota_storefile_percent: "integer",
    sensor_exe_name: "string",
    sensor_version: "string",
    sensorbackend_server: "string",
    tamper_level: "integer",
    team_access: "array",
    vdi_enabled: "boolean",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return toInt(id) ?? id;
  }

  /**
   * The list query of `GET /api/group`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<SensorGroup> {
    return new SimpleQuery(api, SensorGroup);
  }

  /** Group id. */
  declare readonly id: number | undefined;
  /** Group name. */
  declare name: string | undefined;
  /** Site id. */
  declare site_id: number | undefined;
  /** Sensor version policy. */
  declare sensor_version: string | undefined;
  /** Whether banning applies to the group. */
  declare banning_enabled: boolean | undefined;

  /** Unwraps the answer. */
  protected override parseDocument(json: unknown): Document {
    // GET /api/group/{id} answers an array of one.
    return super.parseDocument(Array.isArray(json) ? json[0] : json);
  }

  /**
   * The group's sensors.
   *
   * @returns A sensor query filtered on this group.
   */
  sensors(): SensorQuery {
    return (this.cb as CbResponseAPI).select(Sensor).where(`groupid:${this.uniqueId}`);
  }

  /**
   * Downloads the sensor installer of this group for an OS (`windows/exe`, `windows/msi`,
   * `osx`, `linux`) as a stream.
   *
   * @param osName Installer type.
   * @param options Signal and timeout.
   * @returns The installer bytes, streamed.
   */
  async installer(
    osName: string,
    options: RequestOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const res = await this.cb.connection.request(
      "GET",
      `/api/v1/group/${this.uniqueId}/installer/${osName.replace(/^\/+/, "")}`,
      options,
    );
    return res.body ?? new ReadableStream({ start: (c) => c.close() });
  }
}
installFields(SensorGroup);
