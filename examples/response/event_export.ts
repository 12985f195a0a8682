/**
 * Exports every event of a process (all segments) to a CSV file `{process id}.{segment}.csv` in
 * the current directory, one line per file, network, registry, child-process, module-load and
 * cross-process event: process path, timestamp, event, path/IP/domain and comments (the Python
 * `event_export.py`). `--processid` takes a process GUID or a link to its analysis page in the
 * web UI; `--query` exports every process that matches. `--json` prints what was exported
 * (file, event counts, link) as JSON instead of the summary lines.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write=. --allow-env examples/response/event_export.ts \
 *   --processid 00000003-0000-036c-01d2-2efd3af51186
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import {
  ChildProcEvent,
  CrossProcEvent,
  FileModEvent,
  ModLoadEvent,
  NetConnEvent,
  Process,
  type ProcessEvent,
  RegModEvent,
} from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, run, UsageError } from "../_cli.ts";

const USAGE = `Usage: event_export.ts (--processid ID | --query QUERY) [options]
  --processid ID     Process ID or URL to Process Analysis page
  --query QUERY      Query to pull multiple processes${COMMON_USAGE}`;

const HEADER = ["ProcessPath", "Timestamp", "Event", "Path/IP/Domain", "Comments"];

/** What one export did. */
interface Exported {
  id: string;
  segment: number;
  file: string;
  written: number;
  total: number;
  webui_link: string;
}

/** A Python `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff]` (sensor wall clock). */
function pyTime(date: Date): string {
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

/** The CSV fields of one event, or undefined for a kind the export skips. */
async function eventSummary(event: ProcessEvent): Promise<unknown[] | undefined> {
  const timestamp = pyTime(event.timestamp);
  const owner = event.parent.path;
  if (event instanceof FileModEvent) return [owner, timestamp, event.type, event.path, ""];
  if (event instanceof NetConnEvent) {
    const host = `${event.domain || event.remote_ip}:${event.remote_port}`;
    return [owner, timestamp, `${event.direction} netconn`, host, ""];
  }
  if (event instanceof RegModEvent) return [owner, timestamp, event.type, event.path, ""];
  if (event instanceof ChildProcEvent) {
    let cmdline: string | undefined;
    try {
      cmdline = (await event.process()).cmdline;
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
    return [owner, timestamp, "childproc", event.path, cmdline ?? "<unknown>"];
  }
  if (event instanceof ModLoadEvent) return [owner, timestamp, "modload", event.path, event.md5];
  if (event instanceof CrossProcEvent) {
    return [event.source_path, timestamp, event.type, event.target_path, event.privileges];
  }
  return undefined;
}

/** Writes the CSV file of one process. */
async function writeCsv(proc: Process): Promise<Exported> {
  const file = `${proc.id}.${proc.segment}.csv`;
  const events = await proc.allEvents();
  let written = 0;
  let text = csvLine(HEADER);
  for (const event of events) {
    const summary = await eventSummary(event);
    if (!summary) continue;
    written++;
    text += csvLine(summary);
  }
  await Deno.writeTextFile(file, text);
  return {
    id: proc.id ?? "",
    segment: proc.segment,
    file,
    written,
    total: events.length,
    webui_link: proc.webui_link ?? "",
  };
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    processid: { type: "string" },
    query: { type: "string" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const { processid, query } = flags;
  if (typeof processid === "string" && typeof query === "string") {
    throw new UsageError("argument --query: not allowed with argument --processid");
  }
  if (typeof processid !== "string" && typeof query !== "string") {
    throw new UsageError("one of the arguments --processid --query is required");
  }
  await using cb = await connectResponse(flags);
  let procs: AsyncIterable<Process> | Process[];
  if (typeof processid === "string") {
    const target = processid.startsWith("http")
      ? await cb.fromUi(processid)
      : await cb.select(Process, processid);
    if (!(target instanceof Process)) {
      throw new UsageError(`--processid ${processid} is not a link to a process analysis page`);
    }
    procs = [target];
  } else {
    procs = cb.select(Process).where(String(query));
  }
  const done: Exported[] = [];
  for await (const proc of procs) {
    const result = await writeCsv(proc);
    if (flags.json) done.push(result);
    else {
      console.log(
        `${result.written} events out of ${result.total} total events exported from process ` +
          `at ${result.webui_link}`,
      );
    }
  }
  if (flags.json) console.log(JSON.stringify(done, null, 2));
  return 0;
}

if (import.meta.main) await run(USAGE, main);
