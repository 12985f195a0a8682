/**
 * Finds binaries first seen since a date on one to three hosts that are no DLL, not signed by
 * Microsoft and not trusted by the SRS feed, then the processes that ran each of them and made
 * network connections, and writes one CSV line per such process: file, host, user, connection
 * count, process and binary links, MD5, signature, company, first-seen date, host count and the
 * PE header's link time (the Python `new_binaries_with_netconns.py`). Progress goes to stderr
 * when it is a terminal; `--json` prints the rows instead of writing the file.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write=. --allow-env \
 *   examples/response/new_binaries_with_netconns.ts -d 2016-10-01 -f new.csv
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Binary, Process } from "@cbapi/cbapi/response";
import {
  COMMON_USAGE,
  connectResponse,
  parseCli,
  progress,
  progressDone,
  requireFlag,
  run,
  UsageError,
} from "../_cli.ts";

const USAGE = `Usage: new_binaries_with_netconns.ts -d DATE [-f FILE] [options]
New Binaries with Netconns.
  -d, --date-to-query DATE  New since DATE, format YYYY-MM-DD
  -f, --output-file FILE    Output file in CSV format
                            (default: new_binaries_with_netconns.csv)${COMMON_USAGE}`;

const HEADER = [
  "FileName",
  "Hostname",
  "Username",
  "Network Connections",
  "Process Link",
  "Binary Link",
  "Binary MD5",
  "Signature Status",
  "Company",
  "Observed Date",
  "Host Count",
  "Binary TimeStamp",
];

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Python `time.asctime(time.gmtime(t))`: `Thu Jan  1 00:00:00 1970`. */
function asctime(date: Date): string {
  const time = date.toISOString().slice(11, 19);
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${
    String(date.getUTCDate()).padStart(2)
  } ${time} ${date.getUTCFullYear()}`;
}

/** A Python `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
function pyTime(date: Date | undefined): string {
  if (!date) return "None";
  const text = date.toISOString().replace("T", " ").replace("Z", "");
  return text.endsWith(".000") ? text.slice(0, -4) : `${text}000`;
}

/** One CSV line (Python `csv.excel`: minimal quoting, CRLF). */
function csvLine(fields: unknown[]): string {
  return fields.map((value) => {
    const text = String(value ?? "");
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }).join(",") + "\r\n";
}

/**
 * The link time of a PE image (`FILE_HEADER.TimeDateStamp`), reading only the headers of the
 * download; `Unknown` for a file that is no PE image.
 */
async function peTimestamp(binary: Binary): Promise<string> {
  const reader = (await binary.file()).getReader();
  let head = new Uint8Array(0);
  try {
    let need = 0x40;
    while (head.length < need) {
      const { done, value } = await reader.read();
      if (done) break;
      const joined = new Uint8Array(head.length + value.length);
      joined.set(head);
      joined.set(value, head.length);
      head = joined;
      if (need === 0x40 && head.length >= 0x40) {
        if (head[0] !== 0x4d || head[1] !== 0x5a) break;
        const peOffset = new DataView(head.buffer).getUint32(0x3c, true);
        if (peOffset > 0x10000) break;
        need = peOffset + 12;
      }
    }
  } finally {
    await reader.cancel();
  }
  if (head.length < 0x40 || head[0] !== 0x4d || head[1] !== 0x5a) return "Unknown";
  const view = new DataView(head.buffer);
  const peOffset = view.getUint32(0x3c, true);
  if (head.length < peOffset + 12 || view.getUint32(peOffset, false) !== 0x50450000) {
    return "Unknown";
  }
  return asctime(new Date(view.getUint32(peOffset + 8, true) * 1000));
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    "date-to-query": { type: "string", short: "d" },
    "output-file": { type: "string", short: "f", default: "new_binaries_with_netconns.csv" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const date = requireFlag(flags, "date-to-query");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new UsageError(`argument --date-to-query: expected YYYY-MM-DD, got '${date}'`);
  }
  await using cb = await connectResponse(flags);
  const binaryQuery = cb.select(Binary).where(
    `host_count:[1 TO 3] server_added_timestamp:[${date}T00:00:00 TO *]` +
      " -observed_filename:*.dll -digsig_publisher:Microsoft* -alliance_score_srstrust:*",
  );
  const total = await binaryQuery.count();
  const rows: Record<string, unknown>[] = [];
  let i = 0;
  for await (const binary of binaryQuery) {
    progress(`${Math.floor((++i / total) * 100)}% [${i}/${total}] ${binary.md5}`);
    const processQuery = cb.select(Process).where(
      `process_md5:${binary.md5} netconn_count:[1 TO *]`,
    );
    // The link time costs a download: read only for binaries that made connections.
    let linkTime: string | undefined;
    for await (const proc of processQuery) {
      linkTime ??= await peTimestamp(binary);
      rows.push(Object.fromEntries(HEADER.map((name, n) => [
        name,
        [
          proc.path,
          proc.hostname,
          proc.username,
          proc.netconn_count,
          proc.webui_link,
          binary.webui_link,
          binary.md5,
          binary.digsig_result || "UNSIGNED",
          binary.company_name,
          pyTime(binary.server_added_timestamp),
          binary.host_count,
          linkTime,
        ][n],
      ])));
    }
  }
  progressDone();
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const file = String(flags["output-file"]);
  await Deno.writeTextFile(
    file,
    csvLine(HEADER) + rows.map((row) => csvLine(Object.values(row))).join(""),
  );
  console.log(`${rows.length} processes of ${total} new binaries written to ${file}`);
  return 0;
}

if (import.meta.main) await run(USAGE, main);
