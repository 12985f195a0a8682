/**
 * Alerts on processes with a high average rate of network connections: for every process with at
 * least `--gt-count` connections (newest first), the connections per second between its start
 * and its last update, printed as `host|user|process|rate` when above `--rate` (the Python
 * `process_netconn_rate.py`), after a histogram of those processes by host. A process whose
 * start or last update is unknown counts as running one second, or is skipped with
 * `--skip-unknown`.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/process_netconn_rate.ts -g 100 -r 100
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Process } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, histogram, parseCli, run, UsageError } from "../_cli.ts";

const USAGE = `Usage: process_netconn_rate.ts [-g COUNT] [-r RATE] [-s] [options]
High avg. netconn/second alert.
  -g, --gt-count COUNT  Filter processes with at least COUNT network events (default: 100)
  -r, --rate RATE       Alert on processes with more than RATE network connections per
                        second (default: 100)
  -s, --skip-unknown    Skip processes with unknown start or last update${COMMON_USAGE}`;

/** One alert. */
interface Alert {
  hostname: string;
  username: string;
  process_name: string;
  process_id: string;
  netconn_count: number;
  rate: number;
}

/** A number flag, or a usage error saying what was expected. */
function numberFlag(value: unknown, name: string, integer: boolean): number {
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(
      `argument --${name}: invalid ${integer ? "int" : "float"} value: '${value}'`,
    );
  }
  if (integer && !Number.isInteger(n)) {
    throw new UsageError(`argument --${name}: invalid int value: '${value}'`);
  }
  return n;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    "skip-unknown": { type: "boolean", short: "s", default: false },
    rate: { type: "string", short: "r", default: "100.0" },
    "gt-count": { type: "string", short: "g", default: "100" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const connRate = numberFlag(flags.rate, "rate", false);
  const gtCount = numberFlag(flags["gt-count"], "gt-count", true);
  await using cb = await connectResponse(flags);
  const query = cb.select(Process).where(`netconn_count:[${gtCount} TO *]`).sort(
    "last_update desc",
  );
  if (!flags.json) {
    const facets = await query.facets("hostname");
    for (const line of histogram("hostname", facets.hostname ?? [])) console.log(line);
    console.log("");
  }
  const alerts: Alert[] = [];
  for await (const proc of query) {
    const netconns = proc.netconn_count ?? 0;
    let runtime: number;
    if (proc.start && proc.last_update) {
      runtime = (proc.last_update.getTime() - proc.start.getTime()) / 1000;
    } else if (flags["skip-unknown"]) continue;
    else runtime = 1.0;
    // "Infinity" for a process with connections but no measurable run time.
    const rate = !runtime && netconns > 0 ? 1_000_000 : netconns / runtime;
    if (!(rate > connRate)) continue;
    const alert: Alert = {
      hostname: proc.hostname ?? "",
      username: proc.username ?? "",
      process_name: proc.process_name ?? "",
      process_id: proc.id ?? "",
      netconn_count: netconns,
      rate,
    };
    if (flags.json) alerts.push(alert);
    else {
      console.log(
        `${alert.hostname}|${alert.username}|${alert.process_name}|${rate.toFixed(4)}`,
      );
    }
  }
  if (flags.json) console.log(JSON.stringify(alerts, null, 2));
  return 0;
}

if (import.meta.main) await run(USAGE, main);
