/**
 * Prints the server's URL and its `/api/info` document, sorted by key (the Python
 * `server_info.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/server_info.ts --profile default
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { COMMON_USAGE, connectResponse, parseCli, printJson, run } from "../_cli.ts";

const USAGE = `Usage: server_info.ts [options]${COMMON_USAGE}`;

function show(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args);
  if (flags.help) return console.log(USAGE), 0;
  await using cb = await connectResponse(flags);
  const info = await cb.info();
  if (flags.json) return printJson(info), 0;
  console.log(cb.url);
  console.log("-".repeat(80));
  for (const key of Object.keys(info).sort()) console.log(`${key.padEnd(30)} : ${show(info[key])}`);
  return 0;
}

if (import.meta.main) await run(USAGE, main);
