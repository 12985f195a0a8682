/**
 * Fleet surveys on Cb Response: run a library of definition files (one program per entry, one
 * query per search field) and get the unique (host, user, path, command line, start) rows of each
 * program. Definition files are the community's survey format:
 * `{ "<program>": { "<field>": ["term", ...], ... }, ... }`.
 *
 * Queries run concurrently (`concurrency` searches in flight); rows come out in program order.
 *
 * @example Survey the emulator for PowerShell
 * ```ts
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import { csvHeader, csvLine, parseDefinitions, survey } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const programs = parseDefinitions(
 *   JSON.stringify({ PowerShell: { process_name: ["powershell.exe"] } }),
 *   "scripting.json",
 * );
 * const lines = [csvHeader()];
 * for await (const row of survey(cb, programs, { days: 30 })) lines.push(csvLine(row));
 * assert.ok(lines.length > 1);
 * assert.match(lines[1]!, /,PowerShell,scripting,/);
 * ```
 *
 * @module
 */

import { type CbResponseAPI, Process } from "../response/mod.ts";

/** One program of a survey: the searches of one definition-file entry. */
export interface SurveyProgram {
  /** The entry's name (for `--query`, the query text; for an IOC file, its path). */
  name: string;
  /** The definition file's name without extension, `"query"` or `"ioc"`. */
  source: string;
  /** Search field (or `query`) to terms, in the file's order. */
  fields: [field: string, terms: string[]][];
  /** Whether rows carry the process GUID (rows of `--query`). */
  withGuid?: boolean;
}

/** Filters appended to every query of a survey. */
export interface SurveyFilters {
  /** Processes started in the last N days: ` start:-<N*1440>m`. */
  days?: number;
  /** Processes started in the last N minutes: ` start:-<N>m`. */
  minutes?: number;
  /** ` hostname:<H>`. */
  hostname?: string;
  /** ` username:<U>`. */
  username?: string;
  /** ` (group:"G1" OR group:"G2")`. */
  sensorGroups?: string[];
}

/** Progress of a survey. */
export interface SurveyProgress {
  /** Programs whose searches are all done. */
  programsDone: number;
  /** Programs in the survey. */
  programsTotal: number;
  /** Distinct rows found so far. */
  rows: number;
}

/** Options of {@linkcode survey}. */
export interface SurveyOptions extends SurveyFilters {
  /**
   * Each field's search stops as soon as its program holds this many distinct rows (a later
   * field can still add one row). Fields of a program then run one after another.
   *
   * @default {undefined} no limit
   */
  limit?: number;
  /**
   * Searches in flight.
   *
   * @default {DEFAULT_CONCURRENCY}
   */
  concurrency?: number;
  /** Stops the survey: the rows found so far are still yielded, then the iteration ends. */
  signal?: AbortSignal;
  /** Called when a program is done or rows are found. */
  onProgress?: (progress: SurveyProgress) => void;
}

/** One unique row of a survey. */
export interface SurveyRow {
  /** The host name, lower-cased. */
  endpoint: string;
  /** The user, lower-cased. */
  username: string;
  /** The executable's path. */
  processPath: string;
  /** The command line. */
  cmdline: string;
  /** The program's name. */
  program: string;
  /** The program's source. */
  source: string;
  /** The process start (sensor clock), or undefined when the document has none. */
  processStart: Date | undefined;
  /** The process GUID (rows of `--query` only). */
  processGuid?: string;
}

/**
 * Searches in flight by default. Measured against the emulator at 50 ms a page (see
 * `bench/survey_bench.ts`): 8 is about 6x faster than 1 and stays well within what a Cb
 * Response server's search workers take.
 */
export const DEFAULT_CONCURRENCY = 8;
/** The most searches in flight {@linkcode survey} accepts. */
export const MAX_CONCURRENCY = 32;

/** A definition or IOC file is not usable; nothing was searched. */
export class SurveyDefinitionError extends Error {
  /** The file. */
  readonly file: string;
  /** The program (entry), when the problem is inside one. */
  readonly program: string | undefined;
  /** The field, when the problem is inside one. */
  readonly field: string | undefined;

  /**
   * Creates the error.
   *
   * @param file The file.
   * @param program The program.
   * @param field The field.
   * @param problem What is wrong and what to do.
   */
  constructor(
    file: string,
    program: string | undefined,
    field: string | undefined,
    problem: string,
  ) {
    const where = [
      `definition file ${file}`,
      ...(program !== undefined ? [`program "${program}"`] : []),
      ...(field !== undefined ? [`field "${field}"`] : []),
    ].join(", ");
    super(`${where}: ${problem}`);
    this.name = "SurveyDefinitionError";
    this.file = file;
    this.program = program;
    this.field = field;
  }
}

/** A search of a survey failed on the server. */
export class SurveyQueryError extends Error {
  /** The program. */
  readonly program: string;
  /** The program's source. */
  readonly source: string;
  /** The query sent. */
  readonly query: string;

  /**
   * Creates the error.
   *
   * @param program The program.
   * @param source Its source.
   * @param query The query.
   * @param cause The server's error.
   */
  constructor(program: string, source: string, query: string, cause: unknown) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`survey program "${program}" (${source}) query ${query}: ${why}`, { cause });
    this.name = "SurveyQueryError";
    this.program = program;
    this.source = source;
    this.query = query;
  }
}

/** Cb Response process search fields a definition may use (besides `query`). */
export const SURVEY_FIELDS: readonly string[] = [
  "process_name",
  "process_md5",
  "md5",
  "cmdline",
  "path",
  "username",
  "hostname",
  "group",
  "host_type",
  "os_type",
  "sensor_id",
  "parent_name",
  "parent_md5",
  "parent_id",
  "process_id",
  "childproc_name",
  "childproc_md5",
  "childproc_count",
  "crossproc_name",
  "crossproc_md5",
  "crossproc_type",
  "domain",
  "ipaddr",
  "ipv6addr",
  "ipport",
  "filemod",
  "filewrite_md5",
  "modload",
  "regmod",
  "blocked_md5",
  "blocked_status",
  "tampered",
  "has_emet_event",
  "has_emet_config",
  "digsig_publisher",
  "digsig_issuer",
  "digsig_subject",
  "digsig_result",
  "digsig_prog_name",
  "digsig_sign_time",
  "internal_name",
  "company_name",
  "product_name",
  "file_desc",
  "file_version",
  "product_version",
  "original_filename",
  "legal_copyright",
  "legal_trademark",
  "private_build",
  "special_build",
  "comments",
  "observed_filename",
  "is_executable_image",
  "is_64bit",
  "start",
  "last_update",
  "last_server_update",
  "process_pid",
  "parent_pid",
  "segment_id",
  "filemod_count",
  "modload_count",
  "regmod_count",
  "netconn_count",
  "crossproc_count",
  "terminated",
  "comms_ip",
  "interface_ip",
  "sha256",
  "process_sha256",
  "parent_sha256",
  "childproc_sha256",
  "crossproc_sha256",
  "filewrite_sha256",
];

const FIELD_PATTERNS = [/^watchlist_\d+$/, /^alliance_(score|data|link|updated)_[a-z0-9_]+$/];

function knownField(field: string): boolean {
  return field === "query" || SURVEY_FIELDS.includes(field) ||
    FIELD_PATTERNS.some((re) => re.test(field));
}

/**
 * The query of one field: terms containing a space are wrapped in double quotes and joined as
 * `(field:a OR field:b)`; for `query`, one term gives `(term)` and several `((a) OR (b))`.
 *
 * @param field The search field, or `query`.
 * @param terms The terms.
 * @returns The query without filters.
 * @example
 * ```ts
 * import { fieldQuery } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(fieldQuery("cmdline", ["a b", "c"]), '(cmdline:"a b" OR cmdline:c)');
 * assert.equal(fieldQuery("query", ["x:1", "y:2"]), "((x:1) OR (y:2))");
 * ```
 */
export function fieldQuery(field: string, terms: readonly string[]): string {
  if (field === "query") {
    return terms.length === 1 ? `(${terms[0]})` : `((${terms.join(") OR (")}))`;
  }
  const quoted = terms.map((t) => (t.includes(" ") ? `"${t}"` : t));
  return `(${quoted.map((t) => `${field}:${t}`).join(" OR ")})`;
}

/**
 * The text appended to every query: ` start:-<N*1440>m` (days), ` start:-<N>m` (minutes),
 * ` hostname:H`, ` username:U`, ` (group:"G1" OR group:"G2")`, in that order.
 *
 * @param filters The filters.
 * @returns The suffix (empty without filters).
 * @example
 * ```ts
 * import { filterSuffix } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(filterSuffix({ days: 2, hostname: "ws1" }), " start:-2880m hostname:ws1");
 * ```
 */
export function filterSuffix(filters: SurveyFilters): string {
  let out = "";
  if (filters.days !== undefined) out += ` start:-${filters.days * 1440}m`;
  if (filters.minutes !== undefined) out += ` start:-${filters.minutes}m`;
  if (filters.hostname !== undefined) out += ` hostname:${filters.hostname}`;
  if (filters.username !== undefined) out += ` username:${filters.username}`;
  const groups = filters.sensorGroups ?? [];
  if (groups.length > 0) out += ` (${groups.map((g) => `group:"${g}"`).join(" OR ")})`;
  return out;
}

/**
 * The queries a program runs, one per field, filters appended.
 *
 * @param program The program.
 * @param filters The filters.
 * @returns Field and query, in the program's order.
 */
export function programQueries(
  program: SurveyProgram,
  filters: SurveyFilters = {},
): [field: string, query: string][] {
  const suffix = filterSuffix(filters);
  return program.fields.map(([field, terms]) => [field, fieldQuery(field, terms) + suffix]);
}

function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.[^.]*$/, "");
}

/**
 * Reads a definition file's text into programs, checking its shape: an object of programs, each
 * an object of known search fields (or `query`), each a non-empty list of non-empty strings.
 *
 * @param text The file's text.
 * @param file The file's path (its name without extension becomes the rows' source).
 * @returns The programs, in the file's order.
 * @throws {SurveyDefinitionError} When the text is not JSON or not that shape.
 * @example
 * ```ts
 * import { parseDefinitions, SurveyDefinitionError } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * const [p] = parseDefinitions('{"Rclone": {"process_name": ["rclone.exe"]}}', "dir/xfer.json");
 * assert.deepEqual(p, { name: "Rclone", source: "xfer", fields: [["process_name", ["rclone.exe"]]] });
 * assert.throws(() => parseDefinitions('{"X": {"proc": ["a"]}}', "x.json"), SurveyDefinitionError);
 * ```
 */
export function parseDefinitions(text: string, file: string): SurveyProgram[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SurveyDefinitionError(
      file,
      undefined,
      undefined,
      `is not JSON (${err instanceof Error ? err.message : err}); a definition file is ` +
        `{"<program>": {"<field>": ["term", ...]}}`,
    );
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new SurveyDefinitionError(
      file,
      undefined,
      undefined,
      `must be a JSON object of programs, {"<program>": {"<field>": ["term", ...]}}`,
    );
  }
  const source = baseName(file);
  const programs: SurveyProgram[] = [];
  for (const [name, entry] of Object.entries(doc)) {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new SurveyDefinitionError(
        file,
        name,
        undefined,
        `must be an object of search fields, {"<field>": ["term", ...]}`,
      );
    }
    const fields: [string, string[]][] = [];
    for (const [field, terms] of Object.entries(entry)) {
      if (!knownField(field)) {
        throw new SurveyDefinitionError(
          file,
          name,
          field,
          `unknown search field; use a Cb Response process search field (process_name, ` +
            `cmdline, domain, ipaddr, md5, ...) or query`,
        );
      }
      if (!Array.isArray(terms) || terms.length === 0) {
        throw new SurveyDefinitionError(file, name, field, "must be a non-empty list of terms");
      }
      for (const [i, t] of terms.entries()) {
        if (typeof t !== "string") {
          throw new SurveyDefinitionError(file, name, field, `term ${i + 1} is not a string`);
        }
        if (t.trim() === "") {
          throw new SurveyDefinitionError(file, name, field, `term ${i + 1} is empty`);
        }
      }
      fields.push([field, terms as string[]]);
    }
    if (fields.length === 0) {
      throw new SurveyDefinitionError(file, name, undefined, "has no search fields");
    }
    programs.push({ name, source, fields });
  }
  return programs;
}

/** IOC types of {@linkcode iocProgram}. */
export type IocType = "ipaddr" | "domain" | "md5";

const IOC_CHECKS: Record<IocType, [RegExp, string]> = {
  ipaddr: [/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, "an IPv4 address"],
  domain: [/^[A-Za-z0-9*_-]+(\.[A-Za-z0-9*_-]+)*\.?$/, "a domain name"],
  md5: [/^[0-9A-Fa-f]{32}$/, "an MD5 (32 hex digits)"],
};

/**
 * Reads an IOC file (one IOC a line; blank lines skipped) into one program named by the file's
 * path, with the source `ioc`.
 *
 * @param text The file's text.
 * @param file The file's path as given.
 * @param type What the IOCs are.
 * @returns The program.
 * @throws {SurveyDefinitionError} When a line is not an IOC of that type or there is none.
 * @example
 * ```ts
 * import { iocProgram } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * const p = iocProgram("evil.example\n\nbad.example\n", "iocs.txt", "domain");
 * assert.deepEqual(p.fields, [["domain", ["evil.example", "bad.example"]]]);
 * ```
 */
export function iocProgram(text: string, file: string, type: IocType): SurveyProgram {
  const check = IOC_CHECKS[type];
  if (!check) {
    throw new SurveyDefinitionError(file, file, type, "IOC type must be ipaddr, domain or md5");
  }
  const iocs: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "") continue;
    if (!check[0].test(line)) {
      throw new SurveyDefinitionError(
        file,
        file,
        type,
        `line ${i + 1} ("${line}") is not ${check[1]}`,
      );
    }
    iocs.push(line);
  }
  if (iocs.length === 0) throw new SurveyDefinitionError(file, file, type, "holds no IOC");
  return { name: file, source: "ioc", fields: [[type, iocs]] };
}

/**
 * A program of one raw query; its rows carry the process GUID.
 *
 * @param query The query.
 * @returns The program (named by the query, source `query`).
 */
export function queryProgram(query: string): SurveyProgram {
  if (query.trim() === "") {
    throw new SurveyDefinitionError("--query", query, "query", "the query is empty");
  }
  return { name: query, source: "query", fields: [["query", [query]]], withGuid: true };
}

function rowKey(r: SurveyRow): string {
  return JSON.stringify([
    r.endpoint,
    r.username,
    r.processPath,
    r.cmdline,
    r.processStart?.getTime() ?? null,
  ]);
}

class Semaphore {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(n: number) {
    this.#free = n;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

interface ProgramRun {
  rows: Map<string, SurveyRow>;
  done: Promise<void>;
}

/**
 * Runs a survey: every field of every program is one paged process search (filters appended),
 * `concurrency` of them in flight. Rows are unique per program by (host, user, path, command
 * line, start) and come out in program order, each program's in the order found.
 *
 * @param cb The Cb Response connection.
 * @param programs The programs.
 * @param options Filters, limit, concurrency, signal and progress.
 * @returns The rows.
 * @throws {SurveyQueryError} When a search fails (naming the program and query).
 * @throws {RangeError} When `concurrency` or `limit` is not a positive integer.
 */
export async function* survey(
  cb: CbResponseAPI,
  programs: Iterable<SurveyProgram>,
  options: SurveyOptions = {},
): AsyncGenerator<SurveyRow, void, undefined> {
  const list = [...programs];
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new RangeError(`concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`);
  }
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError("limit must be a positive integer");
  }
  const inner = new AbortController();
  const outer = options.signal;
  const onAbort = () => inner.abort(outer?.reason);
  outer?.addEventListener("abort", onAbort, { once: true });
  const signal = inner.signal;
  const slots = new Semaphore(concurrency);
  let done = 0;
  let found = 0;
  const progress = () =>
    options.onProgress?.({ programsDone: done, programsTotal: list.length, rows: found });
  let failure: unknown;

  const runField = async (
    program: SurveyProgram,
    rows: Map<string, SurveyRow>,
    query: string,
  ) => {
    await slots.acquire();
    try {
      if (signal.aborted) return;
      const search = cb.select(Process).where(query).groupBy("id");
      // One page at a time per search: `concurrency` bounds the requests the server sees.
      for await (const proc of search.iterate({ signal, pagesInFlight: 1 })) {
        const row: SurveyRow = {
          endpoint: (proc.hostname ?? "").toLowerCase(),
          username: (proc.username ?? "").toLowerCase(),
          processPath: proc.path ?? "",
          cmdline: proc.cmdline ?? "",
          program: program.name,
          source: program.source,
          processStart: proc.start,
        };
        if (program.withGuid) row.processGuid = proc.id ?? "";
        const key = rowKey(row);
        if (!rows.has(key)) {
          rows.set(key, row);
          found++;
          progress();
        }
        if (limit !== undefined && rows.size >= limit) break;
      }
    } catch (err) {
      if (!signal.aborted) {
        failure ??= new SurveyQueryError(program.name, program.source, query, err);
        inner.abort(failure);
      }
    } finally {
      slots.release();
    }
  };

  const start = (program: SurveyProgram): ProgramRun => {
    const run: ProgramRun = { rows: new Map(), done: Promise.resolve() };
    const queries = programQueries(program, options).map(([, q]) => q);
    run.done = (async () => {
      if (limit !== undefined) {
        for (const q of queries) await runField(program, run.rows, q);
      } else {
        // Every field at once; the rows are merged in field order for a stable output.
        const parts = queries.map(() => new Map<string, SurveyRow>());
        await Promise.all(queries.map((q, i) => runField(program, parts[i]!, q)));
        for (const part of parts) {
          for (const [k, r] of part) if (!run.rows.has(k)) run.rows.set(k, r);
        }
        found -= parts.reduce((n, p) => n + p.size, 0) - run.rows.size;
      }
      done++;
      progress();
    })();
    return run;
  };

  try {
    const runs = list.map(start);
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    for (const run of runs) {
      await Promise.race([run.done, stopped]);
      if (signal.aborted) break;
      yield* run.rows.values();
      run.rows.clear();
    }
    if (signal.aborted) {
      await Promise.allSettled(runs.map((r) => r.done));
      if (failure !== undefined) throw failure;
      // Stopped from outside: what was found so far, still in program order.
      for (const run of runs) yield* run.rows.values();
    }
  } finally {
    inner.abort();
    outer?.removeEventListener("abort", onAbort);
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * A time as Python prints a naive `datetime`: `2017-01-11 17:13:42.589000`, without the fraction
 * when it is zero (the UTC fields of `date` are the sensor's clock).
 *
 * @param date The time.
 * @returns The text (empty for undefined).
 * @example
 * ```ts
 * import { pythonDateTime } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pythonDateTime(new Date("2017-01-11T17:13:42.589Z")), "2017-01-11 17:13:42.589000");
 * assert.equal(pythonDateTime(new Date("2017-01-11T17:13:42Z")), "2017-01-11 17:13:42");
 * ```
 */
export function pythonDateTime(date: Date | undefined): string {
  if (date === undefined || Number.isNaN(date.getTime())) return "";
  const base = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${
    pad(date.getUTCDate())
  } ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`;
}

/** The CSV header of a survey. */
export const CSV_HEADER = [
  "endpoint",
  "username",
  "process_path",
  "cmdline",
  "program",
  "source",
  "Process Start",
  "Process GUID",
] as const;

function csvField(value: string): string {
  return /[,"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The CSV header line with its `\r\n` end.
 *
 * @returns The line.
 */
export function csvHeader(): string {
  return CSV_HEADER.map(csvField).join(",") + "\r\n";
}

/**
 * One row as Python's `csv` writes it (minimal quoting, `\r\n` end): seven fields, eight with
 * the process GUID (rows of `--query`).
 *
 * @param row The row.
 * @returns The line.
 * @example
 * ```ts
 * import { csvLine } from "@cbapi/cbapi/survey";
 * import assert from "node:assert/strict";
 *
 * const line = csvLine({
 *   endpoint: "ws1", username: "corp\\ann", processPath: "c:\\cmd.exe", cmdline: 'cmd /c "a, b"',
 *   program: "Shell", source: "defs", processStart: new Date("2020-01-02T03:04:05Z"),
 * });
 * assert.equal(line, 'ws1,corp\\ann,c:\\cmd.exe,"cmd /c ""a, b""",Shell,defs,2020-01-02 03:04:05\r\n');
 * ```
 */
export function csvLine(row: SurveyRow): string {
  const fields = [
    row.endpoint,
    row.username,
    row.processPath,
    row.cmdline,
    row.program,
    row.source,
    pythonDateTime(row.processStart),
  ];
  if (row.processGuid !== undefined) fields.push(row.processGuid);
  return fields.map(csvField).join(",") + "\r\n";
}
