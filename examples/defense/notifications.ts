/**
 * Prints Cb Defense notifications as they arrive (one JSON line each), polling the server every
 * `--interval` seconds, until interrupted (Ctrl+C) or, with `--once`, after one poll.
 * Needs an API key of type SIEM. Ports the Python `notification_listener` usage.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/defense/notifications.ts --interval 60
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { COMMON_USAGE, connect, parse, run } from "./_cli.ts";

const USAGE = `Print notifications as they arrive

Usage: notifications.ts [--interval SECONDS] [--once] [common flags]
  --interval SECONDS  Seconds between two polls (default 60)
  --once              Poll once, print what is pending and exit${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parse(Deno.args, {
    interval: { type: "string", default: "60" },
    once: { type: "boolean", default: false },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  const seconds = Number(flags.interval);
  if (!(seconds >= 0)) {
    console.error(`--interval must be 0 or more seconds, got ${flags.interval}`);
    return 2;
  }
  await using cb = await connect(flags);
  if (flags.once) {
    const pending = await cb.getNotifications();
    for (const n of pending) console.log(JSON.stringify(n));
    console.error(`${pending.length} notification(s)`);
    return 0;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  Deno.addSignalListener("SIGINT", stop);
  try {
    for await (
      const n of cb.notifications({ intervalMs: seconds * 1000, signal: controller.signal })
    ) {
      console.log(JSON.stringify(n));
    }
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  return 0;
}

if (import.meta.main) await run(main);
