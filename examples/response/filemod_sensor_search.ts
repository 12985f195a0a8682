/**
 * Searches one sensor's processes for file modifications of a path pattern (`*` and `?`
 * wildcards, matched against the whole path or the file name, case-insensitively): finds the
 * sensor by id or host name, runs the process search `sensor_id:{id} filemod:{pattern}`, prints a
 * histogram of the matching processes by name, then every matching file modification with its
 * time, process, type, path and MD5.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/filemod_sensor_search.ts \
 *   --sensor WIN-IA9NQ1GN8OI --filemod "*.exe"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { ApiError } from "@cbapi/cbapi/core";
import { Process, Sensor } from "@cbapi/cbapi/response";
import {
  COMMON_USAGE,
  connectResponse,
  getObjectByNameOrId,
  histogram,
  parseCli,
  requireFlag,
  run,
} from "../_cli.ts";

const USAGE = `Usage: filemod_sensor_search.ts -s SENSOR -f PATTERN [options]
Search the file modifications of one sensor's processes.
  -s, --sensor SENSOR    Sensor id or host name
  -f, --filemod PATTERN  File path or name pattern, e.g. "*.exe" or "c:\\users\\*\\dropper.exe"${COMMON_USAGE}`;

/** One matching file modification. */
interface Match {
  timestamp: string;
  sensor_id: number | undefined;
  hostname: string;
  process_name: string;
  process_pid: number | undefined;
  process_id: string;
  type: string;
  path: string;
  md5: string;
}

/** A case-insensitive regular expression of a `*`/`?` wildcard pattern. */
function globRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${body}$`, "i");
}

/** The search term of a pattern (quoted when it holds a space). */
function queryTerm(pattern: string): string {
  return /\s/.test(pattern) ? `"${pattern.replaceAll('"', '\\"')}"` : pattern;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    sensor: { type: "string", short: "s" },
    filemod: { type: "string", short: "f" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const which = requireFlag(flags, "sensor");
  const pattern = requireFlag(flags, "filemod");
  const wanted = globRegExp(pattern);
  await using cb = await connectResponse(flags);
  let sensors: Sensor[];
  try {
    sensors = await getObjectByNameOrId(
      cb,
      Sensor,
      /^\d+$/.test(which) ? { id: Number(which) } : { name: which, nameField: "hostname" },
    );
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    console.log(err.message);
    return 1;
  }
  const matches: Match[] = [];
  for (const sensor of sensors) {
    const query = cb.select(Process).where(
      `sensor_id:${sensor.id} filemod:${queryTerm(pattern)}`,
    );
    if (!flags.json) {
      console.log(`Sensor ${sensor.id} (${sensor.hostname}):`);
      const facets = await query.facets("process_name");
      for (const line of histogram("process_name", facets.process_name ?? [])) console.log(line);
      console.log("");
    }
    for await (const proc of query) {
      for await (const fm of proc.filemods()) {
        const name = fm.path.split(/[\\/]/).at(-1) ?? "";
        if (!wanted.test(fm.path) && !wanted.test(name)) continue;
        const match: Match = {
          timestamp: fm.timestamp.toISOString(),
          sensor_id: proc.sensor_id,
          hostname: proc.hostname ?? "",
          process_name: proc.process_name ?? "",
          process_pid: proc.process_pid,
          process_id: proc.id ?? "",
          type: fm.type ?? "",
          path: fm.path,
          md5: fm.md5,
        };
        matches.push(match);
        if (!flags.json) {
          console.log(
            `${match.timestamp.replace("T", " ").replace("Z", "")}  ${match.process_name} ` +
              `(pid ${match.process_pid})  ${match.type.padEnd(11)}  ${match.path}` +
              (match.md5 ? `  ${match.md5}` : ""),
          );
        }
      }
    }
  }
  if (flags.json) console.log(JSON.stringify(matches, null, 2));
  else if (matches.length === 0) console.log(`No file modifications match ${pattern}`);
  return 0;
}

if (import.meta.main) await run(USAGE, main);
