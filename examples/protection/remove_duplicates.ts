/**
 * Deletes duplicate computers: for each computer name seen more than once, every entry but the
 * one offline for the shortest time is deleted (port of the Python `remove_duplicates.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/protection/remove_duplicates.ts --dry-run --profile default
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Computer } from "@cbapi/cbapi/protection";
import { connectFromArgs, parseCommonArgs } from "./_cli.ts";

const USAGE = "delete duplicate computers\n\nUsage: remove_duplicates.ts [--dry-run] " +
  "[--cburl URL --apitoken TOKEN] [--no-ssl-verify] [--profile NAME] [--verbose]";

/**
 * Runs the example.
 *
 * @param args The command line.
 */
export async function main(args: string[]): Promise<void> {
  const values = parseCommonArgs(USAGE, args, { "dry-run": { type: "boolean", short: "d" } });
  if (!values) return;
  await using api = await connectFromArgs(values);
  const byName = new Map<string, Array<{ id: number; offline: number }>>();
  for await (const computer of api.select(Computer).where("deleted:false")) {
    const list = byName.get(computer.name ?? "") ?? [];
    list.push({ id: computer.id!, offline: computer.daysOffline ?? 0 });
    byName.set(computer.name ?? "", list);
  }
  for (const [name, entries] of byName) {
    if (entries.length < 2) continue;
    const sorted = entries.sort((a, b) => b.offline - a.offline);
    for (const entry of sorted.slice(0, -1)) {
      console.log(
        `deleting computer id ${entry.id} (offline ${entry.offline} days, hostname ${name})`,
      );
      if (!values["dry-run"]) {
        console.log("deleting from server...");
        await (await api.select(Computer, entry.id)).delete();
      }
    }
  }
}

if (import.meta.main) await main(Deno.args);
