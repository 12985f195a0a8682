/**
 * Resolves every unresolved alert that matches a query (the Python `alert_bulk_resolve.py`): each
 * alert is saved with status `Resolved` (`POST /api/v1/alert/{unique_id}`), or, with `--bulk`,
 * all of them at once through the alert query's bulk operation (`POST /api/v1/alerts`, 500 ids
 * per request). The matches are collected before the first change, so resolving alerts does not
 * shift the pages of the search (the Python script changed them while paging).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/alert_bulk_resolve.ts \
 *   --query "hostname:WIN-IA9NQ1GN8OI"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Alert } from "@cbapi/cbapi/response";
import { ApiError } from "@cbapi/cbapi/core";
import {
  COMMON_USAGE,
  connectResponse,
  errorMessage,
  parseCli,
  progress,
  progressDone,
  run,
  UsageError,
} from "../_cli.ts";

const USAGE = `Usage: alert_bulk_resolve.ts [--query Q] [--bulk] [--wait SECONDS] [options]
  --query Q          The query string of alerts to resolve. All matching alerts will be resolved.
  --bulk             Resolve them with one bulk request per 500 alerts
  --wait SECONDS     Time to let the changes take effect before reporting (default: 25)${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    query: { type: "string", default: "" },
    bulk: { type: "boolean", default: false },
    wait: { type: "string", default: "25" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const wait = Number(flags.wait);
  if (!Number.isFinite(wait) || wait < 0) {
    throw new UsageError(`--wait takes a number of seconds, not "${flags.wait}"`);
  }
  await using cb = await connectResponse(flags);
  const query = cb.select(Alert).where(`-status:Resolved ${flags.query}`.trimEnd());
  const alerts: Alert[] = [];
  for await (const alert of query) {
    alerts.push(alert);
    progress(`Collecting alerts: ${alerts.length}`);
  }
  progressDone();
  let resolved = 0;
  let failed = 0;
  if (flags.bulk && alerts.length) {
    await query.changeStatus("Resolved");
    resolved = alerts.length;
    for (const alert of alerts) console.log(`Resolved ${alert.unique_id}`);
  } else {
    for (const [i, alert] of alerts.entries()) {
      progress(`Resolving alert ${i + 1} of ${alerts.length}`);
      try {
        alert.status = "Resolved";
        await alert.save();
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        progressDone();
        console.log(`Error resolving ${alert.unique_id}: ${errorMessage(err)}`);
        failed++;
        continue;
      }
      progressDone();
      resolved++;
      console.log(`Resolved ${alert.unique_id}`);
    }
  }
  if (resolved) {
    console.log("Waiting for alert changes to take effect...");
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    console.log(`Complete. Resolved ${resolved} alerts.`);
  } else if (!failed) {
    console.log("Congratulations! You have no unresolved alerts!");
  }
  return failed ? 1 : 0;
}

if (import.meta.main) await run(USAGE, main);
