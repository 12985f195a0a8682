/**
 * Searches alerts and prints, for each, its score and what matched: the binary's MD5 for a binary
 * alert, or the process name and its Carbon Black UI link for a process alert (the Python
 * `alert_search.py`). `--facet FIELD` first prints a histogram of the matches by that field.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/alert_search.ts \
 *   --query "status:Unresolved" --facet alert_type
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Alert } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, histogram, parseCli, run } from "../_cli.ts";

const USAGE = `Usage: alert_search.ts [--query Q] [--facet FIELD] [options]
  --query Q          Alert query (default: all alerts)
  --facet FIELD      Print a histogram of the matching alerts by FIELD first${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    query: { type: "string", default: "" },
    facet: { type: "string" },
  });
  if (flags.help) return console.log(USAGE), 0;
  await using cb = await connectResponse(flags);
  const query = cb.select(Alert).where(String(flags.query));
  if (flags.json) {
    const out = [];
    for await (const alert of query) out.push(alert.toJSON());
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  if (typeof flags.facet === "string") {
    const facets = await query.facets(flags.facet);
    for (const line of histogram(flags.facet, facets[flags.facet] ?? [])) console.log(line);
    console.log("");
  }
  for await (const alert of query) {
    const score = alert.report_score ?? 0;
    const matched = alert.get("watchlist_name", "");
    if (String(alert.alert_type ?? "").includes("binary")) {
      console.log(
        `Alert with score ${score}: Binary ${alert.md5} matched watchlist/report ${matched}`,
      );
      continue;
    }
    const name = alert.get("process_name", "");
    console.log(`Alert with score ${score}: Process ${name} matched watchlist/report ${matched}`);
    const proc = await alert.process();
    if (proc) {
      console.log(`-> visit ${proc.webui_link} to view this process in the Carbon Black UI.`);
    }
  }
  return 0;
}

if (import.meta.main) await run(USAGE, main);
