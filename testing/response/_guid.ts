/**
 * Process GUIDs (sensor id, pid, FILETIME start) and time formats.
 *
 * @module
 */

const EPOCH_DIFF_MS = 11644473600000n;

/** Builds a 36-character process GUID from sensor id, pid and start time (ISO). */
export function makeGuid(sensorId: number, pid: number, startIso: string): string {
  const ft = (BigInt(Date.parse(startIso)) + EPOCH_DIFF_MS) * 10000n;
  const hex = sensorId.toString(16).padStart(8, "0") + pid.toString(16).padStart(8, "0") +
    ft.toString(16).padStart(16, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

/** Segment suffix: 8 hex digits for small segment numbers, 12 for 6.x millisecond ids. */
export function segmentHex(segmentId: number, width?: number): string {
  const w = width ?? (segmentId < 2 ** 32 ? 8 : 12);
  return segmentId.toString(16).padStart(w, "0");
}

/** `{guid}-{segment}`. */
export function uniqueId(guid: string, segmentId: number, width?: number): string {
  return `${guid}-${segmentHex(segmentId, width)}`;
}

/** Solr time `2016-11-11T20:59:31.631Z` from epoch milliseconds. */
export function solrTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Event time `2016-11-11 20:59:31.631` from epoch milliseconds. */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** Signed 32-bit integer of a dotted IPv4 (as the v1-v3 event formats and process docs carry). */
export function ipToInt(ip: string): number {
  const p = ip.split(".").map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) | 0;
}
