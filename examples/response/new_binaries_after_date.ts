/**
 * Finds the binaries written to disk by processes active since a date and writes a CSV report
 * of them (the Python `new_binaries_after_date.py`): MD5, UI link, signature status, company,
 * when the server first saw it, host count, the PE header's link time and how many processes ran
 * it. The process search is `filewrite_md5:* last_update:[{date}T00:00:00 TO *]`; the MD5s come
 * from each process's file modifications.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env \
 *   examples/response/new_binaries_after_date.ts -d 2017-01-01 -f new_binaries.csv
 * ```
 *
 * `--json` prints the rows on stdout instead of writing the CSV file. Progress goes to stderr
 * when it is a terminal.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Binary, Process } from "@cbapi/cbapi/response";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import {
  COMMON_USAGE,
  connectResponse,
  parseCli,
  progress,
  progressDone,
  run,
  UsageError,
} from "../_cli.ts";

const USAGE = `Usage: new_binaries_after_date.ts -d YYYY-MM-DD [-f FILE] [options]
System Check After Specified Date
  -d, --date-to-query DATE  New since DATE, format YYYY-MM-DD
  -f, --output-file FILE    Output file in csv format (default: new_binaries_after_date.csv)
  -q, --query Q             Process query selecting processes that wrote files
                            (default: filewrite_md5:*)${COMMON_USAGE}`;

const HEADER = [
  "Binary MD5",
  "Binary Link",
  "Signature Status",
  "Company",
  "Observed Date",
  "Host Count",
  "Binary TimeStamp",
  "Number of Executions",
];

/** Bytes read from a binary to find its PE header. */
const HEAD_BYTES = 4096;

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The link time of a PE file (`FILE_HEADER.TimeDateStamp`) from its first bytes, formatted as
 * Python's `time.asctime(time.gmtime(t))`, e.g. `Tue Jul 14 01:02:03 2009`.
 *
 * @param head The file's first bytes (the DOS header and the PE header).
 * @returns The time, or undefined when the bytes are not a PE file.
 */
export function peTimestamp(head: Uint8Array): string | undefined {
  if (head.length < 0x40 || head[0] !== 0x4d || head[1] !== 0x5a) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const pe = view.getUint32(0x3c, true);
  if (pe + 12 > head.length || view.getUint32(pe, true) !== 0x00004550) return undefined;
  const t = new Date(view.getUint32(pe + 8, true) * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[t.getUTCDay()]} ${MONTHS[t.getUTCMonth()]} ${String(t.getUTCDate()).padStart(2)} ${
    pad(t.getUTCHours())
  }:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} ${t.getUTCFullYear()}`;
}

/**
 * One CSV line (minimal quoting, CRLF ending, as Python's `csv.writer`).
 *
 * @param cells The values.
 * @returns The line.
 */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map((c) => {
    const s = c === undefined || c === null ? "" : String(c);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  }).join(",") + "\r\n";
}

async function fileHead(binary: Binary): Promise<Uint8Array> {
  const reader = (await binary.file()).getReader();
  const out = new Uint8Array(HEAD_BYTES);
  let n = 0;
  try {
    while (n < HEAD_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = Math.min(value.length, HEAD_BYTES - n);
      out.set(value.subarray(0, take), n);
      n += take;
    }
  } finally {
    await reader.cancel();
  }
  return out.subarray(0, n);
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    "date-to-query": { type: "string", short: "d" },
    "output-file": { type: "string", short: "f", default: "new_binaries_after_date.csv" },
    query: { type: "string", short: "q", default: "filewrite_md5:*" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const date = flags["date-to-query"];
  if (typeof date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new UsageError("give the date with -d YYYY-MM-DD, e.g. -d 2017-01-01");
  }
  await using cb = await connectResponse(flags);
  if (!flags.json) console.log("Performing Query...");
  const query = cb.select(Process).where(`${flags.query} last_update:[${date}T00:00:00 TO *]`);
  const md5s = new Set<string>();
  let scanned = 0;
  for await (const proc of query) {
    progress(`Scanning processes: ${++scanned}, binaries found: ${md5s.size}`);
    for await (const fm of proc.filemods()) if (fm.md5) md5s.add(fm.md5);
  }
  progressDone();
  const rows: unknown[][] = [];
  let i = 0;
  for (const md5 of md5s) {
    progress(`Binary ${++i} of ${md5s.size} (${Math.floor((i * 100) / md5s.size)}%)`);
    let binary: Binary;
    let timestamp: string | undefined;
    try {
      binary = await cb.select(Binary, md5);
      timestamp = peTimestamp(await fileHead(binary));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue;
      throw err;
    }
    const executions = await cb.select(Process).where(`process_md5:${md5}`).count();
    rows.push([
      binary.md5sum,
      binary.webui_link,
      binary.signing_data.result || "UNSIGNED",
      binary.company_name,
      binary.server_added_timestamp?.toISOString(),
      binary.host_count,
      timestamp,
      executions,
    ]);
  }
  progressDone();
  if (flags.json) {
    const docs = rows.map((r) => Object.fromEntries(HEADER.map((h, k) => [h, r[k] ?? null])));
    console.log(JSON.stringify(docs, null, 2));
    return 0;
  }
  const file = String(flags["output-file"]);
  await Deno.writeTextFile(file, [HEADER, ...rows].map(csvLine).join(""));
  console.log(`Wrote ${rows.length} binaries to ${file}`);
  return 0;
}

if (import.meta.main) await run(USAGE, main);
