/**
 * Sensor look-ups of `LiveResponseManager`: sensor ids from references, the endpoint's
 * OS type, and the online standing the job scheduler orders sensors by.
 *
 * @module
 */

import type { Connection } from "../core/mod.ts";
import { toInt } from "../core/_internal.ts";
import type { LiveResponseFlavour } from "./_protocol.ts";
import type { SensorStanding } from "./jobs.ts";
import type { SensorRef } from "./manager.ts";

const DEFENSE_OS: Record<string, number> = { WINDOWS: 1, LINUX: 2, MAC: 4 };

/**
 * The OS type number of a Cb Defense device type.
 *
 * @param deviceType `WINDOWS`, `LINUX` or `MAC`.
 * @returns 1, 2 or 4, or undefined.
 */
export function defenseOsType(deviceType: unknown): number | undefined {
  return DEFENSE_OS[String(deviceType ?? "")];
}

/**
 * The sensor (or device) id of a reference.
 *
 * @param sensor An id, or an object with `deviceId` or `id`.
 * @returns The id.
 * @throws {TypeError} When it is not an integer.
 */
export function sensorIdOf(sensor: SensorRef): number {
  const raw = typeof sensor === "object" && sensor !== null
    ? ("deviceId" in sensor && sensor.deviceId !== undefined
      ? sensor.deviceId
      : (sensor as { id?: unknown }).id)
    : sensor;
  const id = toInt(raw);
  if (id === undefined) {
    throw new TypeError(`Sensor id must be an integer, got ${JSON.stringify(raw)}`);
  }
  return id;
}

/**
 * The properties of an object that are not undefined.
 *
 * @param value The object.
 * @returns A copy without undefined properties.
 */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The endpoint's OS type (`os_type` of the Cb Response sensor, or the Cb Defense device type).
 *
 * @param connection The connection.
 * @param flavour `response` or `defense`.
 * @param sensorId The sensor or device id.
 * @param signal Aborts the request.
 * @returns The OS type, or undefined.
 */
export async function osTypeOf(
  connection: Connection,
  flavour: LiveResponseFlavour,
  sensorId: number,
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  const request = signal ? { signal } : {};
  if (flavour === "response") {
    const doc = await connection.getObject<{ os_type?: unknown }>(
      `/api/v1/sensor/${sensorId}`,
      undefined,
      request,
    );
    return toInt(doc?.os_type);
  }
  const doc = await connection.getObject<{ deviceInfo?: { deviceType?: unknown } }>(
    `/integrationServices/v3/device/${sensorId}`,
    undefined,
    request,
  );
  return defenseOsType(doc?.deviceInfo?.deviceType);
}

/**
 * The online standing of Cb Response sensors (`GET /api/v1/sensor`).
 *
 * @param connection The connection.
 * @param ids The sensors wanted.
 * @param signal Aborts the request.
 * @returns Standing by sensor id.
 */
export async function sensorStandings(
  connection: Connection,
  ids: Iterable<number>,
  signal: AbortSignal,
): Promise<Map<number, SensorStanding>> {
  const rows = await connection.getObject<Record<string, unknown>[]>(
    "/api/v1/sensor",
    undefined,
    { signal },
  );
  const out = new Map<number, SensorStanding>();
  const wanted = new Set(ids);
  for (const row of Array.isArray(rows) ? rows : []) {
    const id = toInt(row.id);
    if (id === undefined || !wanted.has(id)) continue;
    const next = Date.parse(String(row.next_checkin_time ?? "").replace(" ", "T"));
    out.set(id, {
      online: row.status === "Online",
      nextCheckin: Number.isNaN(next) ? 0 : next,
    });
  }
  return out;
}

/**
 * Whether a Cb Response sensor is online (`GET /api/v1/sensor/{id}`).
 *
 * @param connection The connection.
 * @param id The sensor id.
 * @param signal Aborts the request.
 * @returns True when its status is `Online`.
 */
export async function sensorOnline(
  connection: Connection,
  id: number,
  signal: AbortSignal,
): Promise<boolean> {
  const doc = await connection.getObject<{ status?: string }>(
    `/api/v1/sensor/${id}`,
    undefined,
    { signal },
  );
  return doc?.status === "Online";
}
