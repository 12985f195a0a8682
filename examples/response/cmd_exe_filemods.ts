/**
 * Finds cmd.exe processes that wrote `.exe` or `.dll` files and prints one CSV line per such
 * file modification: time, host, user, process path, file path, modification type, MD5 and, for
 * the last write of a file the server knows, whether the binary is signed and its product name
 * (the Python `cmd_exe_filemods.py`), after a histogram of the matching processes by host.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/cmd_exe_filemods.ts
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Binary, type CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, histogram, parseCli, run } from "../_cli.ts";

const USAGE = `Usage: cmd_exe_filemods.ts [options]
Search for cmd.exe writing to exe and dll filepaths.${COMMON_USAGE}`;

const QUERY = "process_name:cmd.exe (filemod:*.exe or filemod:*.dll)";

/** One reported file modification. */
interface Row {
  timestamp: string;
  hostname: string;
  username: string;
  process_path: string;
  path: string;
  type: string;
  md5: string;
  signed: boolean | "";
  product_name: string;
}

/** A Python `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff]` (sensor wall clock). */
function pyTime(date: Date): string {
  const text = date.toISOString().replace("T", " ").replace("Z", "");
  return text.endsWith(".000") ? text.slice(0, -4) : `${text}000`;
}

/** A CSV field, quoted only when it must be (Python `csv.QUOTE_MINIMAL`; booleans as `True`). */
function csvField(value: unknown): string {
  const text = typeof value === "boolean" ? (value ? "True" : "False") : String(value ?? "");
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** What the server knows of a written binary. */
type BinaryInfo = { signed: boolean | ""; product_name: string };

/**
 * Signature and product name of a written binary, or blanks when the server has none
 * (remembered per MD5, so that an unknown binary costs one request).
 */
function binaryInfo(
  cb: CbResponseAPI,
  md5: string,
  seen: Map<string, Promise<BinaryInfo>>,
): Promise<BinaryInfo> {
  const key = md5.toLowerCase();
  let info = seen.get(key);
  if (!info) {
    info = cb.select(Binary, md5).then(
      (binary) => ({ signed: binary.signed, product_name: binary.product_name ?? "" }),
      (err) => {
        if (err instanceof ObjectNotFoundError) return { signed: "", product_name: "" };
        throw err;
      },
    );
    seen.set(key, info);
  }
  return info;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args);
  if (flags.help) return console.log(USAGE), 0;
  await using cb = await connectResponse(flags);
  const query = cb.select(Process).where(QUERY);
  if (!flags.json) {
    const facets = await query.facets("hostname");
    for (const line of histogram("hostname", facets.hostname ?? [])) console.log(line);
    console.log("");
  }
  const rows: Row[] = [];
  const binaries = new Map<string, Promise<BinaryInfo>>();
  for await (const proc of query) {
    for await (const fm of proc.filemods()) {
      if (!/\.(exe|dll)$/i.test(fm.path)) continue;
      const info = fm.type === "LastWrote" && fm.md5
        ? await binaryInfo(cb, fm.md5, binaries)
        : { signed: "" as const, product_name: "" };
      const row: Row = {
        timestamp: pyTime(fm.timestamp),
        hostname: proc.hostname ?? "",
        username: proc.username ?? "",
        process_path: proc.path ?? "",
        path: fm.path,
        type: fm.type ?? "",
        md5: fm.md5,
        ...info,
      };
      if (flags.json) rows.push(row);
      else console.log(Object.values(row).map(csvField).join(","));
    }
  }
  if (flags.json) console.log(JSON.stringify(rows, null, 2));
  return 0;
}

if (import.meta.main) await run(USAGE, main);
