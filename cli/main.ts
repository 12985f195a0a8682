/**
 * The `cbapi` command: `configure` writes a credential file for a product, `check-tls`
 * reports the platform's TLS version, `info` summarises a Cb Response server.
 *
 * ```sh
 * deno task cbapi configure response      # or protection, defense
 * deno task cbapi check-tls [https://server | --profile NAME] [--save FILE]
 * deno task cbapi info --profile default [--json]
 * deno install -g -n cbapi --allow-net --allow-read --allow-write --allow-env --allow-sys cli/main.ts
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { ResponseConnectOptions } from "../response/mod.ts";
import { type Io, terminalIo } from "./_io.ts";
import { checkTlsCommand } from "./check_tls_command.ts";
import { configure, type Product } from "./configure.ts";
import { collectInfo, printInfo } from "./info.ts";

const USAGE = `Usage: cbapi <command> [options]

Commands:
  configure [response|protection|defense]
                   Write ~/.carbonblack/credentials.<product> (default: response)
  check-tls [URL]  Contact a server (URL, or --profile): TLS version, certificate, fingerprint
                   and which profile settings would connect; without a server, print the
                   newest TLS version this platform supports
  info             Print a Cb Response server's version, license request and counts

Options of check-tls:
  --profile NAME   Check the server of this credential profile, and its own TLS keys
  --product P      Credential file of the profile: response (default), protection, defense
  --save FILE      Save the presented certificate (PEM) for ssl_cert_file (trust on first use)
  --json           Print JSON

Options of info:
  --profile NAME   Credential profile (default: "default")
  --cburl URL      Server URL (with --apitoken instead of a profile)
  --apitoken TOKEN API token (with --cburl)
  --no-ssl-verify  Do not verify the server's certificate
  --verbose        Log every HTTP request on stderr
  --json           Print JSON
  -h, --help       Show this help`;

const PRODUCTS: readonly Product[] = ["response", "protection", "defense"];

/**
 * Runs the command line.
 *
 * @param args The arguments after `cbapi`.
 * @param io Terminal input and output.
 * @returns The exit status.
 */
export async function main(args: string[], io: Io = terminalIo()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        profile: { type: "string" },
        cburl: { type: "string" },
        apitoken: { type: "string" },
        "no-ssl-verify": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        save: { type: "string" },
        product: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    io.err(`cbapi: ${err instanceof Error ? err.message : err}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    (command === undefined && !values.help ? io.err : io.out)(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case "configure": {
      const product = (rest[0] ?? "response").toLowerCase() as Product;
      if (!PRODUCTS.includes(product) || rest.length > 1) {
        io.err(
          `cbapi configure: unknown product "${rest.join(" ")}"; give one of ${
            PRODUCTS.join(", ")
          }`,
        );
        return 2;
      }
      return await configure(product, io);
    }
    case "check-tls":
      return await checkTlsCommand(rest, values, io);
    case "info": {
      const options: ResponseConnectOptions = {};
      if (values.cburl !== undefined || values.apitoken !== undefined) {
        if (values.cburl === undefined || values.apitoken === undefined) {
          io.err("cbapi info: give --cburl and --apitoken together, or neither (to use --profile)");
          return 2;
        }
        options.url = values.cburl;
        options.token = values.apitoken;
        if (values["no-ssl-verify"]) options.sslVerify = false;
      }
      if (values.profile !== undefined) options.profile = values.profile;
      if (values.verbose) options.logger = { debug: (m) => io.err(m), warn: (m) => io.err(m) };
      try {
        printInfo(await collectInfo(options), io, values.json);
        return 0;
      } catch (err) {
        io.err(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        return 1;
      }
    }
    default:
      io.err(`cbapi: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) Deno.exitCode = await main(Deno.args);
