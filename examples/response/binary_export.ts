/**
 * Writes the MD5 of every binary Cb Response knows to a file, one per line (the Python
 * `binary_export.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/response/binary_export.ts \
 *   --filename md5s.txt
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Binary } from "@cbapi/cbapi/response";
import {
  COMMON_USAGE,
  connectResponse,
  parseCli,
  progress,
  progressDone,
  requireFlag,
  run,
} from "../_cli.ts";

const USAGE = `Usage: binary_export.ts --filename PATH [options]
  --filename PATH    File for the MD5 list${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, { filename: { type: "string" } });
  if (flags.help) return console.log(USAGE), 0;
  const filename = requireFlag(flags, "filename");
  await using cb = await connectResponse(flags);
  const query = cb.select(Binary);
  const total = await query.count();
  using file = await Deno.create(filename);
  const encoder = new TextEncoder();
  let n = 0;
  for await (const b of query) {
    const line = encoder.encode(`${b.md5}\n`);
    for (let off = 0; off < line.length;) off += await file.write(line.subarray(off));
    progress(`${++n}/${total} binaries`);
  }
  progressDone();
  if (flags.json) console.log(JSON.stringify({ filename, count: n }));
  return 0;
}

if (import.meta.main) await run(USAGE, main);
