/**
 * The one door to core's internals for the other folders of the library (response, protection,
 * defense, live_response, cli, ...): what they share with core and users do not need. It is not
 * exported by `core/mod.ts` nor by any entry point; outside core, import `core/mod.ts` (the
 * public surface) or this module, never another file of core (`deno task check:imports`).
 *
 * Add a name here when a product needs it, rather than importing its file.
 *
 * @module
 */

import type { OpenZipMemberOptions } from "./_zip.ts";

export { abortable, type DeadlineSignal, deadlineSignal, delay, Semaphore } from "./_async.ts";
export { simpleMatch, splitClause } from "./_clause.ts";
export { encodeQuery, idSegment, parseQuery, quotePath } from "./_encode.ts";
export { buildGuid, parseGuid, segmentSuffix, splitProcessId } from "./_guid.ts";
export { normaliseBaseUrl, readErrorBody } from "./_http.ts";
export {
  formatDisplayTime,
  formatMac,
  formatPythonDateTime,
  formatRfc822,
  formatSolrTime,
  ipFromInt,
  parseSolrTime,
  parseTimestamp,
  parseWallClock,
  toInt,
  toNumber,
} from "./_parse.ts";
export { checkTimeUnits, fromDesignName } from "./_python_hints.ts";
export { redactText } from "./_secrets.ts";
export { readPinnedCertificates } from "./_tls_profile.ts";
export { createTransport, type Transport } from "./_transport.ts";
export { readField, writeField } from "./_field_codec.ts";
export { installFields } from "./model.ts";
export type { OpenZipMemberOptions };

/**
 * Opens one member of a ZIP archive as a stream of its bytes (see `core/_zip.ts`). The ZIP
 * reader is loaded on the first call, so that modules that may never unzip do not load it.
 *
 * @param body The archive.
 * @param name The member's name.
 * @param options Signal.
 * @returns The member's bytes.
 */
export async function openZipMember(
  body: ReadableStream<Uint8Array>,
  name: string,
  options: OpenZipMemberOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const zip = await import("./_zip.ts");
  return await zip.openZipMember(body, name, options);
}
