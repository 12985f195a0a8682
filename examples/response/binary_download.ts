/**
 * Downloads one binary by MD5 from Cb Response to a local file, streamed (the Python
 * `binary_download.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/response/binary_download.ts \
 *   --md5 7FB55F5A62E78AF9B58D08AAEEAEF848 --filename notepad.exe
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

const USAGE = `Usage: binary_download.ts --md5 MD5 --filename PATH [options]
  --md5 MD5          MD5 of the binary to download
  --filename PATH    Local file to save the binary as${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, { md5: { type: "string" }, filename: { type: "string" } });
  if (flags.help) return console.log(USAGE), 0;
  const md5 = requireFlag(flags, "md5");
  const filename = requireFlag(flags, "filename");
  await using cb = await connectResponse(flags);
  const binary = await cb.select(Binary, md5);
  const stream = await binary.file();
  let size = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      progress(`${md5}: ${size} bytes`);
      controller.enqueue(chunk);
    },
  });
  const file = await Deno.create(filename);
  await stream.pipeThrough(counter).pipeTo(file.writable);
  progressDone();
  if (flags.json) console.log(JSON.stringify({ md5, filename, size }));
  else console.log(`-> Downloaded binary ${md5} [${size} bytes]`);
  return 0;
}

if (import.meta.main) await run(USAGE, main);
