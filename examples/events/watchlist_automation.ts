/**
 * Event-driven watchlist automation: bans the MD5 of every process or binary that hits a
 * watchlist, reading the events the Cb event forwarder writes to a JSON-lines file.
 * A port of the Python example `examples/response/event/watchlist_automation.py`.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/events/watchlist_automation.ts --profile default --file /tmp/output.json
 * ```
 *
 * Stops on Ctrl-C (or after `--max-events`), then prints the errors met while handling events.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { parseArgs } from "node:util";
import { type EventHandler, FileEventSource, onEvent, registry } from "@cbapi/cbapi/events";
import { BannedHash, CbResponseAPI } from "@cbapi/cbapi/response";

/**
 * Bans the process MD5 of a watchlist hit.
 *
 * @param cb The API.
 * @param eventType The routing key.
 * @param eventData The parsed event.
 */
export const watchlistCallback: EventHandler<CbResponseAPI> = async (cb, eventType, eventData) => {
  console.log(`Received event type: ${eventType} (from cb server ${cb.url})`);
  const docs = eventData.docs as { process_md5?: string; md5?: string }[] | undefined;
  const md5 = docs?.[0]?.process_md5 ?? docs?.[0]?.md5;
  if (!md5) throw new Error(`The ${eventType} event names no MD5`);
  const bh = cb.create(BannedHash);
  bh.md5hash = md5;
  bh.text = "banned via automated process!";
  await bh.save();
};

/**
 * Runs the script.
 *
 * @param args Command-line arguments.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      profile: { type: "string" },
      cburl: { type: "string" },
      apitoken: { type: "string" },
      file: { type: "string", default: "/tmp/output.json" },
      "max-events": { type: "string" },
      "poll-interval": { type: "string", default: "1000" },
    },
  });
  await using cb = await CbResponseAPI.connect(
    values.cburl && values.apitoken
      ? { url: values.cburl, token: values.apitoken }
      : { profile: values.profile ?? "default" },
  );
  onEvent("watchlist.hit.binary", watchlistCallback);
  onEvent("watchlist.hit.process", watchlistCallback);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    await using source = new FileEventSource(cb, values.file, {
      pollIntervalMs: Number(values["poll-interval"]),
    });
    let left = values["max-events"] ? Number(values["max-events"]) : Infinity;
    // The registered callbacks run for every event; this loop only counts them and stops.
    for await (const _ of source.events("watchlist.hit.*", { signal: stop.signal })) {
      if (--left <= 0) break;
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err;
    console.log("Exiting event loop");
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  console.log("Encountered the following exceptions during processing:");
  for (const error of registry.errors) console.log(error.exception);
  return registry.errors.length === 0 ? 0 : 1;
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
