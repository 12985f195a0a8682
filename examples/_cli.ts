/**
 * The shared helper of the Cb Response examples (the Python `cbapi.example_helpers`): the common
 * flags `--cburl`, `--apitoken`, `--no-ssl-verify`, `--profile` (default `default`),
 * `--verbose` and `--json`; {@linkcode connectResponse} builds the API from them (explicit URL
 * and token when both are given, else the credential profile); {@linkcode getObjectByNameOrId};
 * progress lines on stderr (only when stderr is a terminal) and a facet histogram.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { parseArgs, type ParseArgsConfig } from "node:util";
import { CbResponseAPI, type FacetEntry, type ResponseConnectOptions } from "@cbapi/cbapi/response";
import { ApiError, type Model, type ModelId } from "@cbapi/cbapi/core";

/** Option definitions as `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** The flags every example accepts (Python `build_cli_parser`). */
export const COMMON_OPTIONS: OptionSpec = {
  cburl: { type: "string" },
  apitoken: { type: "string" },
  "no-ssl-verify": { type: "boolean", default: false },
  profile: { type: "string", default: "default" },
  verbose: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

/** Usage text of the common flags. */
export const COMMON_USAGE = `
Common options:
  --cburl URL        Cb server's URL, e.g. https://cb.example.com (with --apitoken)
  --apitoken TOKEN   API token for the Carbon Black server (with --cburl)
  --no-ssl-verify    Do not verify the server's certificate
  --profile NAME     Credential profile to connect with (default: "default")
  --verbose          Log every HTTP request on stderr
  --json             Print the result as JSON
  -h, --help         Show this help`;

/** Parsed flag values. */
export type Flags = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** The result of {@linkcode parseCli}. */
export interface ParsedCli {
  /** Flag values, common flags included. */
  flags: Flags;
  /** Positional arguments (sub-commands). */
  positionals: string[];
}

/** A usage error: printed with the usage text, exit status 2. */
export class UsageError extends Error {
  /**
   * @param message What is wrong with the command line.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses the command line with the common flags plus the script's own.
 *
 * @param args The arguments (`Deno.args`).
 * @param options The script's own flags.
 * @param allowPositionals Whether a sub-command (positional) is accepted.
 * @returns Flags and positionals.
 * @throws {UsageError} On an unknown flag or a missing value.
 */
export function parseCli(
  args: string[],
  options: OptionSpec = {},
  allowPositionals = false,
): ParsedCli {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals,
      strict: true,
    });
    return { flags: values as Flags, positionals };
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

/**
 * A string flag, or throws when it is required and missing.
 *
 * @param flags Parsed flags.
 * @param name Flag name.
 * @returns The value.
 * @throws {UsageError} When the flag is missing.
 */
export function requireFlag(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`the following argument is required: --${name}`);
  }
  return value;
}

/**
 * The logger `--verbose` installs: every line on stderr.
 *
 * @returns The logger.
 */
function stderrLogger(): { debug(m: string): void; warn(m: string): void } {
  return { debug: (m) => console.error(m), warn: (m) => console.error(m) };
}

/**
 * Connects to Cb Response as the flags say (Python `get_cb_response_object`): `--cburl` and
 * `--apitoken` together, else the credential profile `--profile`.
 *
 * @param flags Parsed flags.
 * @param extra Further connect options.
 * @returns The connected API (close it with `await using`).
 */
export function connectResponse(
  flags: Flags,
  extra: ResponseConnectOptions = {},
): Promise<CbResponseAPI> {
  const options: ResponseConnectOptions = { ...extra };
  if (typeof flags.cburl === "string" && typeof flags.apitoken === "string") {
    options.url = flags.cburl;
    options.token = flags.apitoken;
    if (flags["no-ssl-verify"]) options.sslVerify = false;
  } else {
    options.profile = typeof flags.profile === "string" ? flags.profile : "default";
  }
  if (flags.verbose) options.logger = stderrLogger();
  return CbResponseAPI.connect(options);
}

/** A model class that can be selected by id and searched by `name_field:name`. */
export interface NamedModelClass<M extends Model> {
  /** The class name, for messages. */
  readonly name: string;
  /**
   * Builds the model's query.
   *
   * @param api The API.
   * @returns The query.
   */
  query(api: CbResponseAPI): unknown;
}

/** Options of {@linkcode getObjectByNameOrId}. */
export interface NameOrIdOptions {
  /**
   * The field the name is matched against.
   *
   * @default "name"
   */
  nameField?: string;
  /**
   * The id to select; wins over `name`.
   *
   * @default undefined
   */
  id?: ModelId | undefined;
  /**
   * The name to search for.
   *
   * @default undefined
   */
  name?: string | undefined;
}

/**
 * The objects matching an id or a name (Python `get_object_by_name_or_id`): by id with
 * `select(Model, id)` (loaded), else `where("{nameField}:{name}")`.
 *
 * @param cb The API.
 * @param cls The model class.
 * @param options Id or name, and the name field.
 * @returns The matching objects (at least one).
 * @throws {ApiError} `Could not find {Model} with {what}: {reason}` when none match.
 */
export async function getObjectByNameOrId<M extends Model>(
  cb: CbResponseAPI,
  cls: NamedModelClass<M>,
  options: NameOrIdOptions,
): Promise<M[]> {
  const { id, name, nameField = "name" } = options;
  const what = id !== undefined && id !== "" ? `ID of ${id}` : `name ${name}`;
  try {
    if (id !== undefined && id !== "") {
      // deno-lint-ignore no-explicit-any
      return [await cb.select(cls as any, id) as M];
    }
    if (name === undefined) throw new TypeError("give an id or a name");
    const query = cls.query(cb) as { where(c: string): { toArray(): Promise<M[]> } };
    const objs = await query.where(`${nameField}:${name}`).toArray();
    if (objs.length === 0) throw new Error(`No ${cls.name}s match`);
    return objs;
  } catch (cause) {
    throw new ApiError(
      `Could not find ${cls.name} with ${what}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

/**
 * The message of a thrown value, for one-line reports.
 *
 * @param err What was thrown.
 * @returns Its message.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A model that can be deleted and printed by id and name. */
interface Deletable extends Model {
  /** The object's id. */
  readonly id?: unknown;
  /** The object's name. */
  readonly name?: unknown;
  /** Deletes it on the server. */
  delete(): Promise<void>;
}

/** Options of {@linkcode deleteByNameOrId}. */
export interface DeleteOptions extends NameOrIdOptions {
  /**
   * Delete every match when a name matches several objects.
   *
   * @default false
   */
  force?: boolean;
  /**
   * What the objects are called in messages, singular (`feed`, `sensor group`).
   *
   * @default the class name
   */
  label?: string;
}

/**
 * Deletes the objects an id or a name selects (the examples' `delete` command): several
 * matches need `force`; prints one line per object.
 *
 * @param cb The API.
 * @param cls The model class.
 * @param options Id or name, force and the label for messages.
 * @returns The exit code: 0 when every match was deleted, 1 otherwise.
 */
export async function deleteByNameOrId<M extends Deletable>(
  cb: CbResponseAPI,
  cls: NamedModelClass<M>,
  options: DeleteOptions,
): Promise<number> {
  const label = options.label ?? cls.name;
  let found: M[];
  try {
    found = await getObjectByNameOrId(cb, cls, options);
  } catch (err) {
    console.log(errorMessage(err));
    return 1;
  }
  const what = options.id !== undefined ? `ID of ${options.id}` : `name ${options.name}`;
  if (found.length > 1 && !options.force) {
    console.log(
      `${found.length} ${label}s match ${what} and --force not specified. No action taken.`,
    );
    return 1;
  }
  let failed = 0;
  for (const obj of found) {
    try {
      await obj.delete();
      console.log(`Deleted ${label} id ${obj.id} with name ${obj.name}`);
    } catch (err) {
      console.log(`Could not delete ${label} with ${what}: ${errorMessage(err)}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}

/**
 * Writes a progress line on stderr, only when stderr is a terminal (so piped output and test
 * runs stay clean). Call {@linkcode progressDone} at the end.
 *
 * @param message The progress text (it replaces the previous one).
 */
export function progress(message: string): void {
  if (!Deno.stderr.isTerminal()) return;
  Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[K${message}`));
}

/** Ends a progress line (clears it), only when stderr is a terminal. */
export function progressDone(): void {
  if (!Deno.stderr.isTerminal()) return;
  Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
}

/**
 * A facet histogram as text lines: name, count, share and a bar scaled to the largest entry.
 *
 * @param title The facet's field name.
 * @param entries The facet entries.
 * @param width Width of the longest bar.
 * @returns The lines.
 */
export function histogram(title: string, entries: FacetEntry[], width = 40): string[] {
  const lines = [`${title}:`];
  const nameWidth = Math.min(40, Math.max(4, ...entries.map((e) => e.name.length)));
  for (const e of entries) {
    const bar = "#".repeat(Math.max(e.value > 0 ? 1 : 0, Math.round((e.percent / 100) * width)));
    lines.push(
      `  ${e.name.slice(0, nameWidth).padEnd(nameWidth)} ${String(e.value).padStart(7)} ${
        e.ratio.padStart(5)
      }% ${bar}`,
    );
  }
  return lines;
}

/**
 * Prints a value as JSON (Dates as ISO strings, models through their `toJSON()`).
 *
 * @param value The value.
 */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/**
 * Runs an example's main function: sets `Deno.exitCode` from its result, prints a usage error
 * with the usage text (status 2) and any other error on stderr (status 1).
 *
 * @param usage The script's usage text.
 * @param main The script.
 */
export async function run(usage: string, main: () => Promise<number | void>): Promise<void> {
  try {
    Deno.exitCode = (await main()) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${usage}`);
      Deno.exitCode = 2;
    } else {
      console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      Deno.exitCode = 1;
    }
  }
}

/**
 * Formats a date as `YYYY-MM-DD HH:MM:SS` (UTC fields), or `None` like the Python scripts.
 *
 * @param date The date.
 * @returns The text.
 */
export function when(date: Date | undefined | null): string {
  return date ? date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "") : "None";
}
