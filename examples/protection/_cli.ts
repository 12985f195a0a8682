/**
 * The command-line options every Protection example shares (the Python `build_cli_parser`):
 * `--cburl`, `--apitoken`, `--no-ssl-verify`, `--profile` and `--verbose`, and the API built
 * from them (explicit URL and token when both are given, else the credential profile).
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { parseArgs, type ParseArgsConfig } from "node:util";
import { CbProtectionAPI, type ProtectionConnectOptions } from "@cbapi/cbapi/protection";

const COMMON: NonNullable<ParseArgsConfig["options"]> = {
  cburl: { type: "string" },
  apitoken: { type: "string" },
  "no-ssl-verify": { type: "boolean" },
  profile: { type: "string", default: "default" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/**
 * Parses the common options plus the example's own.
 *
 * @param usage Printed for `--help`.
 * @param args The command line.
 * @param extra The example's own options.
 * @returns The values, or undefined when `--help` was asked (usage printed).
 */
export function parseCommonArgs(
  usage: string,
  args: string[],
  extra: NonNullable<ParseArgsConfig["options"]> = {},
): Record<string, string | boolean | undefined> | undefined {
  const { values } = parseArgs({ args, options: { ...COMMON, ...extra }, strict: true });
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  return values as Record<string, string | boolean | undefined>;
}

/**
 * Connects to Cb Protection with the common options.
 *
 * @param values Parsed options.
 * @returns The API.
 */
export function connectFromArgs(
  values: Record<string, string | boolean | undefined>,
): Promise<CbProtectionAPI> {
  const options: ProtectionConnectOptions = {};
  if (typeof values.cburl === "string" && typeof values.apitoken === "string") {
    options.url = values.cburl;
    options.token = values.apitoken;
    if (values["no-ssl-verify"]) options.sslVerify = false;
  } else {
    options.profile = String(values.profile ?? "default");
  }
  if (values.verbose) {
    options.logger = { debug: (m) => console.error(m), warn: (m) => console.error(m) };
  }
  return CbProtectionAPI.connect(options);
}
