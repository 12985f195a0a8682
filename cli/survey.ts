/**
 * `cbapi survey`: runs survey definition files (the community's format) against a Cb Response
 * server and writes one CSV of unique (host, user, path, command line, start) rows per program.
 *
 * ```sh
 * deno task cbapi survey --deffile remote_admin --days 7          # a bundled definition file
 * deno task cbapi survey --defdir ./definitions --prefix hunt     # every .json under a folder
 * deno task cbapi survey --iocfile ips.txt --ioctype ipaddr --no-file
 * deno task cbapi survey --query "process_name:rclone.exe" --json
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { CbResponseAPI, type ResponseConnectOptions } from "../response/mod.ts";
import {
  csvHeader,
  csvLine,
  DEFAULT_CONCURRENCY,
  iocProgram,
  type IocType,
  MAX_CONCURRENCY,
  parseDefinitions,
  pythonDateTime,
  queryProgram,
  survey,
  SurveyDefinitionError,
  type SurveyOptions,
  type SurveyProgram,
  type SurveyRow,
} from "../survey/mod.ts";
import type { Io } from "./_io.ts";

/** Usage of `cbapi survey`. */
export const SURVEY_USAGE = `Usage: cbapi survey [inputs] [filters] [output] [connection]

Inputs (at least one; all given are run):
  --deffile F        A definition file (repeatable); a bare name (e.g. remote_admin) is
                     one of the bundled definitions: {BUNDLED}
  --defdir D         Every .json file under D, recursively
  --query Q          One raw query (its rows also carry the process GUID)
  --iocfile F        One IOC a line (blank lines skipped), with --ioctype ipaddr|domain|md5

Filters (appended to every query):
  --days N           Processes started in the last N days
  --minutes N        Processes started in the last N minutes
  --hostname H       Only host H
  --username U       Only user U
  --sensor-group G   Only sensor group G (repeatable)
  --limit N          Stop each field's search once its program holds N rows

Output:
  --output F         CSV file (default survey.csv, or <prefix>-survey.csv)
  --prefix P         Name the default output <prefix>-survey.csv
  --no-file          Print a table on stdout instead of writing a file
  --json             Print JSON lines on stdout instead of writing a file
  --no-progress      No progress on stderr (it only shows on a terminal anyway)
  --concurrency N    Searches in flight (default ${DEFAULT_CONCURRENCY}, at most ${MAX_CONCURRENCY})

Connection:
  --profile NAME     Credential profile (default: "default")
  --cburl URL        Server URL (with --apitoken instead of a profile)
  --apitoken TOKEN   API token (with --cburl)
  --no-ssl-verify    Do not verify the server's certificate
  -h, --help         Show this help

Ctrl-C stops the survey and writes the rows found so far.`;

/** The folder of the bundled definition files. */
export const BUNDLED_DEFINITIONS = new URL("./definitions/", import.meta.url);

/** Hooks for tests and embedding. */
export interface SurveyCommandOptions {
  /** Stops the survey like Ctrl-C. */
  signal?: AbortSignal;
  /** Whether progress may be shown (default: stderr is a terminal). */
  progress?: boolean;
  /** Where progress text goes (default: stderr, unbuffered, without newlines). */
  progressWrite?: (text: string) => void;
}

class UsageError extends Error {}

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  }
  return n;
}

async function readText(url: URL): Promise<string> {
  if (url.protocol === "file:") return await Deno.readTextFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new Deno.errors.NotFound(`${url.href}: ${res.status}`);
  return await res.text();
}

/**
 * The names of the bundled definition files (without `.json`).
 *
 * @returns The names, sorted.
 */
export async function bundledNames(): Promise<string[]> {
  if (BUNDLED_DEFINITIONS.protocol !== "file:") {
    return ["file_transfer", "remote_admin", "scripting_hosts"];
  }
  const names: string[] = [];
  for await (const e of Deno.readDir(BUNDLED_DEFINITIONS)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name.slice(0, -5));
  }
  return names.sort();
}

async function loadDeffile(file: string): Promise<SurveyProgram[]> {
  const bare = !/[\\/]/.test(file);
  if (bare) {
    const name = file.endsWith(".json") ? file : `${file}.json`;
    const url = new URL(name, BUNDLED_DEFINITIONS);
    let text: string | undefined;
    try {
      text = await readText(url);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (text !== undefined) return parseDefinitions(text, name);
  }
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      const hint = bare ? `; bundled definitions: ${(await bundledNames()).join(", ")}` : "";
      throw new SurveyDefinitionError(file, undefined, undefined, `not found${hint}`);
    }
    throw err;
  }
  return parseDefinitions(text, file);
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = `${dir.replace(/[\\/]+$/, "")}/${e.name}`;
    if (e.isDirectory) out.push(...await jsonFilesUnder(path));
    else if (e.isFile && e.name.toLowerCase().endsWith(".json")) out.push(path);
  }
  return out;
}

function jsonRow(row: SurveyRow): string {
  const out: Record<string, string> = {
    endpoint: row.endpoint,
    username: row.username,
    process_path: row.processPath,
    cmdline: row.cmdline,
    program: row.program,
    source: row.source,
    process_start: pythonDateTime(row.processStart),
  };
  if (row.processGuid !== undefined) out.process_guid = row.processGuid;
  return JSON.stringify(out);
}

function table(rows: SurveyRow[]): string[] {
  const head = ["endpoint", "username", "program", "source", "Process Start", "cmdline"];
  const cells = rows.map((r) => [
    r.endpoint,
    r.username,
    r.program,
    r.source,
    pythonDateTime(r.processStart),
    r.cmdline.replace(/\r?\n/g, "\\n"),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
}

const ENCODER = new TextEncoder();

/**
 * Runs `cbapi survey`.
 *
 * @param args The arguments after `survey`.
 * @param io Terminal output.
 * @param hooks Signal and progress switches.
 * @returns The exit status: 0 done, 1 failed, 2 bad usage or input, 130 stopped (rows written).
 */
export async function surveyCommand(
  args: string[],
  io: Io,
  hooks: SurveyCommandOptions = {},
): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        deffile: { type: "string", multiple: true },
        defdir: { type: "string" },
        query: { type: "string" },
        iocfile: { type: "string" },
        ioctype: { type: "string" },
        days: { type: "string" },
        minutes: { type: "string" },
        hostname: { type: "string" },
        username: { type: "string" },
        "sensor-group": { type: "string", multiple: true },
        limit: { type: "string" },
        output: { type: "string" },
        prefix: { type: "string" },
        "no-file": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        "no-progress": { type: "boolean", default: false },
        concurrency: { type: "string" },
        profile: { type: "string" },
        cburl: { type: "string" },
        apitoken: { type: "string" },
        "no-ssl-verify": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (err) {
    io.err(`cbapi survey: ${err instanceof Error ? err.message : err}\n\n${await usage()}`);
    return 2;
  }
  if (values.help) {
    io.out(await usage());
    return 0;
  }
  const options: SurveyOptions = {};
  const connect: ResponseConnectOptions = {};
  let programs: SurveyProgram[];
  try {
    const days = positiveInt("days", values.days);
    const minutes = positiveInt("minutes", values.minutes);
    if (days !== undefined && minutes !== undefined) {
      throw new UsageError("give --days or --minutes, not both");
    }
    if (days !== undefined) options.days = days;
    if (minutes !== undefined) options.minutes = minutes;
    if (values.hostname !== undefined) options.hostname = values.hostname;
    if (values.username !== undefined) options.username = values.username;
    if (values["sensor-group"]?.length) options.sensorGroups = values["sensor-group"];
    const limit = positiveInt("limit", values.limit);
    if (limit !== undefined) options.limit = limit;
    const concurrency = positiveInt("concurrency", values.concurrency);
    if (concurrency !== undefined) {
      if (concurrency > MAX_CONCURRENCY) {
        throw new UsageError(`--concurrency must be at most ${MAX_CONCURRENCY}`);
      }
      options.concurrency = concurrency;
    }
    if (values.json && values["no-file"]) throw new UsageError("give --json or --no-file");
    if ((values.iocfile === undefined) !== (values.ioctype === undefined)) {
      throw new UsageError("give --iocfile and --ioctype together");
    }
    if (values.cburl !== undefined || values.apitoken !== undefined) {
      if (values.cburl === undefined || values.apitoken === undefined) {
        throw new UsageError("give --cburl and --apitoken together, or neither (to use --profile)");
      }
      connect.url = values.cburl;
      connect.token = values.apitoken;
      if (values["no-ssl-verify"]) connect.sslVerify = false;
    }
    if (values.profile !== undefined) connect.profile = values.profile;
    programs = [];
    for (const f of values.deffile ?? []) programs.push(...await loadDeffile(f));
    if (values.defdir !== undefined) {
      let files: string[];
      try {
        files = await jsonFilesUnder(values.defdir);
      } catch (err) {
        throw new SurveyDefinitionError(
          values.defdir,
          undefined,
          undefined,
          `cannot read the folder (${err instanceof Error ? err.message : err})`,
        );
      }
      if (files.length === 0) {
        throw new SurveyDefinitionError(values.defdir, undefined, undefined, "holds no .json file");
      }
      for (const f of files) programs.push(...parseDefinitions(await Deno.readTextFile(f), f));
    }
    if (values.iocfile !== undefined) {
      const type = values.ioctype as IocType;
      if (!["ipaddr", "domain", "md5"].includes(type)) {
        throw new UsageError(`--ioctype must be ipaddr, domain or md5, got "${type}"`);
      }
      let text: string;
      try {
        text = await Deno.readTextFile(values.iocfile);
      } catch (err) {
        throw new SurveyDefinitionError(
          values.iocfile,
          undefined,
          undefined,
          `cannot read the IOC file (${err instanceof Error ? err.message : err})`,
        );
      }
      programs.push(iocProgram(text, values.iocfile, type));
    }
    if (values.query !== undefined) programs.push(queryProgram(values.query));
    if (programs.length === 0) {
      throw new UsageError("give --deffile, --defdir, --query or --iocfile");
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`cbapi survey: ${err.message}\n\n${await usage()}`);
      return 2;
    }
    if (err instanceof SurveyDefinitionError) {
      io.err(`cbapi survey: ${err.name}: ${err.message}`);
      return 2;
    }
    throw err;
  }

  const output = values.output ??
    (values.prefix !== undefined ? `${values.prefix}-survey.csv` : "survey.csv");
  const toFile = !values.json && !values["no-file"];
  const showProgress = !values["no-progress"] &&
    (hooks.progress ?? (() => {
      try {
        return Deno.stderr.isTerminal();
      } catch {
        return false;
      }
    })());

  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error("interrupted"));
  hooks.signal?.addEventListener("abort", onSignal, { once: true });
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSignal);
    listening = true;
  } catch {
    // No signals on this platform (or no permission): Ctrl-C then ends the process.
  }
  options.signal = stop.signal;
  let lastDraw = 0;
  const write = hooks.progressWrite ??
    ((t: string) => void Deno.stderr.writeSync(ENCODER.encode(t)));
  if (showProgress) {
    options.onProgress = (p) => {
      const now = performance.now();
      if (now - lastDraw < 100 && p.programsDone < p.programsTotal) return;
      lastDraw = now;
      write(`\rsurvey: ${p.programsDone}/${p.programsTotal} definitions, ${p.rows} rows `);
    };
  }

  const tmp = `${output}.partial-${Deno.pid}`;
  let file: Deno.FsFile | undefined;
  let rows = 0;
  const collected: SurveyRow[] = [];
  const t0 = performance.now();
  try {
    await using cb = await CbResponseAPI.connect(connect);
    if (toFile) {
      file = await Deno.open(tmp, { write: true, create: true, truncate: true });
      await file.write(ENCODER.encode(csvHeader()));
    }
    let failure: unknown;
    try {
      for await (const row of survey(cb, programs, options)) {
        rows++;
        if (file) await file.write(ENCODER.encode(csvLine(row)));
        else if (values.json) io.out(jsonRow(row));
        else collected.push(row);
      }
    } catch (err) {
      failure = err;
    }
    if (showProgress) write("\n");
    if (values["no-file"]) { for (const line of table(collected)) io.out(line); }
    if (file) {
      file.close();
      file = undefined;
      await Deno.rename(tmp, output);
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    const where = toFile ? ` to ${output}` : "";
    const what = `${rows} rows of ${programs.length} programs${where} in ${seconds} s`;
    if (failure !== undefined) {
      io.err(`cbapi survey: ${errorText(failure)}`);
      io.err(`cbapi survey: stopped after an error; wrote ${what}`);
      return 1;
    }
    const report = toFile ? io.out : io.err;
    if (stop.signal.aborted) {
      io.err(`cbapi survey: interrupted; wrote the ${what}`);
      return 130;
    }
    report(`Wrote ${what}`);
    return 0;
  } catch (err) {
    io.err(`cbapi survey: ${errorText(err)}`);
    return 1;
  } finally {
    if (file) {
      file.close();
      await Deno.remove(tmp).catch(() => {});
    }
    if (listening) Deno.removeSignalListener("SIGINT", onSignal);
    hooks.signal?.removeEventListener("abort", onSignal);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function usage(): Promise<string> {
  let names: string[];
  try {
    names = await bundledNames();
  } catch {
    names = [];
  }
  return SURVEY_USAGE.replace("{BUNDLED}", names.join(", "));
}
