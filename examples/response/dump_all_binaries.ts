/**
 * Downloads every binary (or those matching a query) with its JSON document into a directory
 * tree `{destdir}/{MD5[0:3]}/{MD5[3:6]}/{MD5}` (+ `.json`), ten downloads at a time, skipping
 * files already there with the right size (the Python `dump_all_binaries.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/response/dump_all_binaries.ts \
 *   -d ./binaries --query "digsig_result:Unsigned"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Binary } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, progress, progressDone, run } from "../_cli.ts";

const USAGE = `Usage: dump_all_binaries.ts [-d DIR] [--query Q] [options]
  -d, --destdir DIR  Destination directory (default: current directory)
  --query Q          Query string to filter the binaries${COMMON_USAGE}`;

const WORKERS = 10;

function pathFor(md5: string, base: string): string {
  const d = md5.toUpperCase();
  return `${base}/${d.slice(0, 3)}/${d.slice(3, 6)}/${d}`;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return undefined;
  }
}

async function grab(binary: Binary, base: string, verbose: boolean): Promise<string> {
  const md5 = binary.md5 ?? "";
  const path = pathFor(md5, base);
  // The server's copied size, or the original size when the document has no copied_mod_len.
  const expected = binary.copied_size || binary.size;
  if (expected > 0 && (await sizeOf(path)) === expected) return `already have ${md5}`;
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  let step = 0;
  try {
    const stream = await binary.file();
    await stream.pipeTo((await Deno.create(path)).writable);
    step++;
    await Deno.writeTextFile(`${path}.json`, JSON.stringify(binary.toJSON()));
    step++;
  } catch (err) {
    if (verbose) console.error(`${md5}: ${err instanceof Error ? err.message : err}`);
  }
  return step === 0
    ? `Could not grab ${md5}`
    : step === 1
    ? `Grabbed ${md5} binary`
    : `Grabbed ${md5} binary & process document`;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    destdir: { type: "string", short: "d", default: "." },
    query: { type: "string" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const base = String(flags.destdir);
  await using cb = await connectResponse(flags);
  const query = typeof flags.query === "string" && flags.query
    ? cb.select(Binary).where(flags.query)
    : cb.select(Binary);
  const iterator = query[Symbol.asyncIterator]();
  const results: Record<string, string> = {};
  let done = 0;
  let failed = 0;
  async function worker(): Promise<void> {
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      const line = await grab(next.value, base, Boolean(flags.verbose));
      results[next.value.md5 ?? ""] = line;
      if (line.startsWith("Could not")) failed++;
      progress(`${++done} binaries`);
      if (!flags.json) console.log(line);
    }
  }
  // One shared iterator: the query pages itself while ten downloads run.
  const workers = [];
  for (let i = 0; i < WORKERS; i++) workers.push(worker());
  await Promise.all(workers);
  progressDone();
  if (flags.json) console.log(JSON.stringify(results, null, 2));
  return failed ? 1 : 0;
}

if (import.meta.main) await run(USAGE, main);
