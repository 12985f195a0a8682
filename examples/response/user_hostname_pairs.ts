/**
 * Counts, per host, how often each user ran `explorer.exe` (their logons) (the Python
 * `user_hostname_pairs.py`), after a histogram of explorer.exe runs by user.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/user_hostname_pairs.ts
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Process } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, histogram, parseCli, run } from "../_cli.ts";

const USAGE = `Usage: user_hostname_pairs.ts [options]${COMMON_USAGE}`;

function add(map: Map<string, Map<string, number>>, key: string, value: string): void {
  const counts = map.get(key) ?? new Map<string, number>();
  map.set(key, counts);
  counts.set(value.toLowerCase(), (counts.get(value.toLowerCase()) ?? 0) + 1);
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args);
  if (flags.help) return console.log(USAGE), 0;
  await using cb = await connectResponse(flags);
  const query = cb.select(Process).where("process_name:explorer.exe");
  const hostUsers = new Map<string, Map<string, number>>();
  for await (const proc of query) add(hostUsers, proc.hostname ?? "", proc.username ?? "");
  if (flags.json) {
    const out: Record<string, Record<string, number>> = {};
    for (const [host, users] of hostUsers) out[host] = Object.fromEntries(users);
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  const facets = await query.facets("username");
  for (const line of histogram("username", facets.username ?? [])) console.log(line);
  console.log("");
  for (const [host, users] of hostUsers) {
    console.log(`For host ${host}:`);
    for (const [user, count] of [...users].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${user.padEnd(20)}: logged in ${count} times`);
    }
  }
  return 0;
}

if (import.meta.main) await run(USAGE, main);
