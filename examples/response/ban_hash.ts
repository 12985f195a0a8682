/**
 * Adds an MD5 hash to the banned-hash list of Cb Response (the Python `ban_hash.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/ban_hash.ts \
 *   -H 7FB55F5A62E78AF9B58D08AAEEAEF848 -d "Banned from the command line"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { BannedHash } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, requireFlag, run } from "../_cli.ts";

const USAGE = `Usage: ban_hash.ts -H MD5 [-d TEXT] [options]
  -H, --hash MD5            MD5 hash of the file to ban in Cb Response
  -d, --description TEXT    Description of why the hash is banned${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    hash: { type: "string", short: "H" },
    description: { type: "string", short: "d" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const hash = requireFlag(flags, "hash");
  await using cb = await connectResponse(flags);
  const b = cb.create(BannedHash);
  b.md5hash = hash;
  b.text = typeof flags.description === "string" && flags.description
    ? flags.description
    : "Banned via ban_hash.ts example script";
  b.enabled = true;
  try {
    await b.save();
  } catch (err) {
    console.log(`Error banning hash ${hash}: ${err instanceof Error ? err.message : err}`);
    return 1;
  }
  console.log(`Hash ${hash} successfully banned`);
  return 0;
}

if (import.meta.main) await run(USAGE, main);
