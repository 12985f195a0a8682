/**
 * Process searches with the Cb Response 6.x filters, and the process GUID helpers.
 *
 * @module
 */

import { buildGuid, parseGuid, segmentSuffix } from "../core/_internal.ts";
import type { Process } from "./process.ts";
import { SearchQuery, timeFilterValue } from "./query.ts";

/** The parts of a process GUID. */
export interface ProcessGuidInfo {
  /** The sensor id. */
  sensorId: number;
  /** The process id on the host. */
  pid: number;
  /** When the process was created (UTC, millisecond precision). */
  createTime: Date;
}

/**
 * Builds a process GUID from sensor id, pid and creation time (big-endian u32, u32 and a
 * Windows FILETIME).
 *
 * @param sensorId The sensor id.
 * @param pid The process id.
 * @param createTime When the process was created.
 * @returns The 36-character GUID.
 * @throws {RangeError} When a number is not a u32 or the time is before 1601.
 *
 * @example
 * ```ts
 * import { parseProcessGuid, processGuid } from "@cbapi/cbapi/response";
 * import assert from "node:assert/strict";
 * const guid = processGuid(3, 876, new Date("2016-10-25T20:20:29.790Z"));
 * assert.equal(parseProcessGuid(guid).pid, 876);
 * ```
 */
export function processGuid(sensorId: number, pid: number, createTime: Date): string {
  return buildGuid(sensorId, pid, createTime);
}

/**
 * Reads sensor id, pid and creation time out of a process GUID (a segment suffix is ignored).
 *
 * @param guid The GUID.
 * @returns Its parts.
 * @throws {SyntaxError} When the text is not a process GUID.
 *
 * @example The documentation's cmd.exe
 * ```ts
 * import { parseProcessGuid } from "@cbapi/cbapi/response";
 * import assert from "node:assert/strict";
 * const { sensorId, pid, createTime } = parseProcessGuid("00000003-0000-036c-01d2-2efd3af51186");
 * assert.equal(sensorId, 3);
 * assert.equal(pid, 876);
 * assert.equal(createTime.toISOString(), "2016-10-25T20:20:29.790Z");
 * ```
 */
export function parseProcessGuid(guid: string): ProcessGuidInfo {
  const { sensorId, pid, createTime } = parseGuid(guid);
  return { sensorId, pid, createTime };
}

/**
 * A process search with the Cb Response 6.x filters (`groupBy`, time filters, comprehensive
 * search). Every method returns a new query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const perSegment = await cb.select(Process).where("process_name:cmd.exe").count();
 * const perProcess = await cb.select(Process).where("process_name:cmd.exe").groupBy("id").count();
 * assert.ok(perProcess <= perSegment);
 * ```
 */
export class ProcessQuery extends SearchQuery<Process> {
  #withExtra(key: string, value: string, since = "6.0.0"): this {
    if (!this.api.versionAtLeast(since)) {
      this.api.connection.logger.debug(`Ignoring ${key}: the server is older than ${since}`);
      return this;
    }
    const extra = this.state.extra.filter(([k]) => k !== key);
    return this.with({ extra: [...extra, [key, value]] });
  }

  /**
   * Groups the results by a field (`id`: one row per process instead of one per segment).
   *
   * @param field The field.
   * @returns A new query.
   */
  groupBy(field: string): this {
    return this.#withExtra("cb.group", field);
  }

  /**
   * Only processes with events after this time (sensor clock).
   *
   * @param time A Date (UTC) or a Solr time such as `2017-04-29T04:21:18Z`.
   * @returns A new query.
   */
  minLastUpdate(time: Date | string): this {
    return this.#withExtra("cb.min_last_update", timeFilterValue(time));
  }

  /**
   * Only processes with events before this time (sensor clock).
   *
   * @param time A Date (UTC) or a Solr time.
   * @returns A new query.
   */
  maxLastUpdate(time: Date | string): this {
    return this.#withExtra("cb.max_last_update", timeFilterValue(time));
  }

  /**
   * Only processes with events after this time (server clock).
   *
   * @param time A Date (UTC) or a Solr time.
   * @returns A new query.
   */
  minLastServerUpdate(time: Date | string): this {
    return this.#withExtra("cb.min_last_server_update", timeFilterValue(time));
  }

  /**
   * Only processes with events before this time (server clock).
   *
   * @param time A Date (UTC) or a Solr time.
   * @returns A new query.
   */
  maxLastServerUpdate(time: Date | string): this {
    return this.#withExtra("cb.max_last_server_update", timeFilterValue(time));
  }

  /**
   * Searches every partition, also the ones not mounted by default
   * (`comprehensive_search=true`).
   *
   * @returns A new query.
   */
  useComprehensiveSearch(): this {
    return this.#withExtra("comprehensive_search", "true", "0");
  }

  /** Process filters and the legacy flag. */
  protected override extraParams(): ReadonlyArray<readonly [string, string]> {
    const extra = [...this.state.extra];
    if (this.api.legacyPartitions && !extra.some(([k]) => k === "cb.legacy_5x_mode")) {
      extra.push(["cb.legacy_5x_mode", "True"]);
    }
    return extra;
  }
}

/**
 * The unique id of a process segment as the server writes it (`{guid}-{segment hex}`).
 *
 * @param guid The process GUID.
 * @param segment The segment.
 * @param width 8 (Cb Response 5.x) or 12 (6.x) hex digits.
 * @returns The unique id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { processUniqueId } from "@cbapi/cbapi/response";
 * assert.ok(processUniqueId("00000003-0000-036c-01d2-2efd3af51186", 1, 8) === "00000003-0000-036c-01d2-2efd3af51186-00000001");
 * ```
 */
export function processUniqueId(guid: string, segment: number, width: 8 | 12 = 12): string {
  return `${guid}-${segmentSuffix(segment, width)}`;
}
