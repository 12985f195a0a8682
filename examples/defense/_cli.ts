/**
 * Shared command-line handling of the Cb Defense examples: the Python examples' common flags
 * (`--cburl`, `--apitoken`, `--no-ssl-verify`, `--profile`, `--verbose`) plus each script's own.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { parseArgs, type ParseArgsConfig } from "node:util";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { consoleLogger } from "@cbapi/cbapi/core";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags every example accepts. */
export const COMMON_OPTIONS: Options = {
  cburl: { type: "string" },
  apitoken: { type: "string" },
  "no-ssl-verify": { type: "boolean", default: false },
  profile: { type: "string" },
  verbose: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

/** The usage text of the common flags. */
export const COMMON_USAGE = `
  --cburl URL        Cb Defense server URL (with --apitoken; else the credential profile is used)
  --apitoken TOKEN   API token: {API key}/{connector ID}
  --no-ssl-verify    Do not verify the server's certificate
  --profile NAME     Credential profile of credentials.defense (default: "default")
  --verbose          Log every HTTP request
  -h, --help         Show this help`;

/** Parsed flags. */
export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * Parses the arguments.
 *
 * @param args The arguments.
 * @param options The script's own flags.
 * @param allowPositionals Whether positionals (a sub-command) are accepted.
 * @returns Flags and positionals.
 */
export function parse(
  args: string[],
  options: Options,
  allowPositionals = false,
): { flags: Flags; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args,
    options: { ...COMMON_OPTIONS, ...options },
    allowPositionals,
    strict: true,
  });
  return { flags: values as Flags, positionals };
}

/**
 * Connects as the flags say: `--cburl` and `--apitoken` together, or a credential profile.
 *
 * @param flags The parsed flags.
 * @returns The API.
 */
export function connect(flags: Flags): Promise<CbDefenseAPI> {
  const url = flags.cburl as string | undefined;
  const token = flags.apitoken as string | undefined;
  if ((url === undefined) !== (token === undefined)) {
    throw new TypeError("Give --cburl and --apitoken together, or neither (to use --profile)");
  }
  return CbDefenseAPI.connect({
    ...(url !== undefined && token !== undefined ? { url, token } : {}),
    ...(flags.profile ? { profile: flags.profile as string } : {}),
    ...(flags["no-ssl-verify"] ? { sslVerify: false } : {}),
    ...(flags.verbose ? { logger: consoleLogger() } : {}),
  });
}

/**
 * Runs an example's main function: prints errors on stderr and sets the exit code.
 *
 * @param main The script.
 */
export async function run(main: () => Promise<number | void>): Promise<void> {
  try {
    Deno.exitCode = (await main()) ?? 0;
  } catch (err) {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    Deno.exitCode = 1;
  }
}
