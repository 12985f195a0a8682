/**
 * Searches binaries and prints size, signature, publisher, versions and on-disk names of each
 * (the Python `binary_search.py`), after a histogram of the matches by company.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/binary_search.ts \
 *   --query "company_name:Microsoft*"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Binary } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, histogram, parseCli, run } from "../_cli.ts";

const USAGE = `Usage: binary_search.ts [--query Q] [options]
  --query Q          Binary query (default: all binaries)${COMMON_USAGE}`;

function row(label: string, value: unknown): string {
  return `${label.padEnd(20)} : ${value ?? "None"}`;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, { query: { type: "string", default: "" } });
  if (flags.help) return console.log(USAGE), 0;
  await using cb = await connectResponse(flags);
  const query = cb.select(Binary).where(String(flags.query));
  if (flags.json) {
    const out = [];
    for await (const b of query) out.push(b.toJSON());
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  const facets = await query.facets("company_name");
  for (const line of histogram("company_name", facets.company_name ?? [])) console.log(line);
  console.log("");
  for await (const binary of query) {
    console.log(binary.md5);
    console.log("-".repeat(80));
    console.log(row("Size (bytes)", binary.size));
    console.log(row("Signature Status", binary.signed));
    console.log(row("Publisher", binary.digsig_publisher));
    console.log(row("Product Version", binary.product_version));
    console.log(row("File Version", binary.get("file_version")));
    console.log(row("64-bit (x64)", binary.get("is_64bit")));
    console.log(row("EXE", binary.is_executable_image));
    for (const fn of binary.observed_filenames) {
      console.log(row("On-Disk Filename", fn.split("\\").at(-1)));
    }
    console.log("\n");
  }
  return 0;
}

if (import.meta.main) await run(USAGE, main);
