/**
 * Counts the network connections the sensors report, live from the server's event bus (raw
 * `ingress.event.netconn` sensor events), and prints the busiest host and destination pairs
 * every interval: which machines talk most, to what, on which port.
 *
 * Needs the server's RabbitMQ credentials (`rabbitmq_user`, `rabbitmq_pass`, `rabbitmq_host`,
 * `rabbitmq_port`) in the credential profile, or the `--rabbitmq-*` flags. The server publishes
 * raw sensor events on its bus only when told to in `/etc/cb/cb.conf`
 * (`DatastoreBroadcastEventTypes`, or `EnableRawSensorDataBroadcast=True` on later versions).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env --allow-sys examples/events/netconn_summary.ts --profile default --top 20
 * # A busy server: spread the events over 4 broker queues, and share them with other processes
 * # (run the same command on as many machines as needed; each event is counted by one of them):
 * deno run --allow-net --allow-read --allow-env --allow-sys examples/events/netconn_summary.ts --queues 4 --shared-queue netconn-summary
 * ```
 *
 * Stops on Ctrl-C, after `--max-events` events or after `--duration-ms`, then prints the final
 * table and the errors met while handling events.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { EventRegistry, RabbitMqEventSource, type SensorEvent } from "@cbapi/cbapi/events";
import { COMMON_USAGE, connectResponse, type Flags, parseCli, UsageError } from "../_cli.ts";

const USAGE = `Usage: netconn_summary.ts [options]

Counts raw netconn sensor events per host and destination and prints the busiest pairs.

Options:
  --top N                 Pairs to print (default 10)
  --interval-ms MS        Print the table this often (default 10000)
  --max-events N          Stop after N netconn events
  --duration-ms MS        Stop after this long
  --queues N              Spread the events over N broker queues (default 1)
  --shared-queue NAME     Share a durable queue with other processes running this script
  --rabbitmq-host HOST    Overrides rabbitmq_host of the profile
  --rabbitmq-port PORT    Overrides rabbitmq_port
  --rabbitmq-user USER    Overrides rabbitmq_user
  --rabbitmq-pass PASS    Overrides rabbitmq_pass
${COMMON_USAGE}`;

/** One host and destination pair. */
export interface Talker {
  /** The sensor's host name (or `sensor N`). */
  host: string;
  /** `name:port`, `a.b.c.d:port`, with the direction. */
  destination: string;
  /** Connections seen. */
  count: number;
}

/**
 * The dotted form of an IPv4 address held in a uint32, most significant byte first (the order
 * the server's process documents use for netconn addresses).
 *
 * @param value The uint32.
 * @returns `a.b.c.d`.
 */
export function ipv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join(".");
}

/** Counts netconn events by host and destination. */
export class NetconnCounter {
  #pairs = new Map<string, Talker>();
  /** Netconn events counted. */
  events = 0;

  /**
   * Counts one raw netconn event.
   *
   * @param event The decoded `CbEventMsg`.
   */
  add(event: SensorEvent): void {
    const net = event.network;
    if (!net) return;
    const endpoint = event.env?.endpoint;
    const host = endpoint?.SensorHostName ?? `sensor ${endpoint?.SensorId ?? "?"}`;
    const address = net.remoteIpAddress ?? net.ipv4Address;
    const port = net.remotePort ?? net.port;
    const name = net.utf8_netpath || (address === undefined ? "?" : ipv4(address));
    const destination = `${net.outbound === false ? "<-" : "->"} ${name}:${port ?? "?"}`;
    const key = `${host}\n${destination}`;
    const pair = this.#pairs.get(key);
    if (pair) pair.count++;
    else this.#pairs.set(key, { host, destination, count: 1 });
    this.events++;
  }

  /**
   * The busiest pairs, most connections first (ties by host, then destination).
   *
   * @param n How many.
   * @returns The pairs.
   */
  top(n: number): Talker[] {
    return [...this.#pairs.values()]
      .sort((a, b) =>
        b.count - a.count || a.host.localeCompare(b.host) ||
        a.destination.localeCompare(b.destination)
      )
      .slice(0, n);
  }

  /**
   * The table as text.
   *
   * @param n Rows.
   * @returns Lines.
   */
  format(n: number): string {
    const rows = this.top(n);
    const width = Math.max(4, ...rows.map((r) => r.host.length));
    return [
      `${this.events} netconn events; top ${rows.length} host/destination pairs:`,
      ...rows.map((r) =>
        `${String(r.count).padStart(8)}  ${r.host.padEnd(width)}  ${r.destination}`
      ),
    ].join("\n");
  }
}

function positiveFlag(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} takes a positive integer, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** What the command line asks for. */
interface Settings {
  flags: Flags;
  top: number;
  intervalMs: number;
  queues: number;
  maxEvents: number | undefined;
  durationMs: number | undefined;
  port: number | undefined;
}

/**
 * Reads the command line.
 *
 * @param args Command-line arguments.
 * @returns The settings.
 * @throws {UsageError} On an unknown flag or a bad number.
 */
function settings(args: string[]): Settings {
  const { flags } = parseCli(args, {
    top: { type: "string", default: "10" },
    "interval-ms": { type: "string", default: "10000" },
    "max-events": { type: "string" },
    "duration-ms": { type: "string" },
    queues: { type: "string", default: "1" },
    "shared-queue": { type: "string" },
    "rabbitmq-host": { type: "string" },
    "rabbitmq-port": { type: "string" },
    "rabbitmq-user": { type: "string" },
    "rabbitmq-pass": { type: "string" },
  });
  return {
    flags,
    top: positiveFlag(flags.top, "top")!,
    intervalMs: positiveFlag(flags["interval-ms"], "interval-ms")!,
    queues: positiveFlag(flags.queues, "queues")!,
    maxEvents: positiveFlag(flags["max-events"], "max-events"),
    durationMs: positiveFlag(flags["duration-ms"], "duration-ms"),
    port: positiveFlag(flags["rabbitmq-port"], "rabbitmq-port"),
  };
}

/**
 * Runs the script.
 *
 * @param args Command-line arguments.
 * @returns The exit code.
 */
export async function main(args: string[]): Promise<number> {
  let parsed: Settings;
  try {
    parsed = settings(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const { flags, top, intervalMs, queues, maxEvents, durationMs, port } = parsed;
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  await using cb = await connectResponse(flags);
  const counter = new NetconnCounter();
  const done = Promise.withResolvers<void>();
  const registry = new EventRegistry();
  registry.on("ingress.event.netconn", (_cb, _type, data) => {
    counter.add(data as SensorEvent);
    if (maxEvents !== undefined && counter.events >= maxEvents) done.resolve();
  });
  const text = (name: string) => {
    const value = flags[name];
    return typeof value === "string" ? value : undefined;
  };
  const shared = text("shared-queue");
  await using source = new RabbitMqEventSource(cb, {
    registry,
    queues,
    ...(shared ? { sharedQueue: shared } : {}),
    ...(text("rabbitmq-host") ? { host: text("rabbitmq-host")! } : {}),
    ...(port ? { port } : {}),
    ...(text("rabbitmq-user") ? { user: text("rabbitmq-user")! } : {}),
    ...(text("rabbitmq-pass") ? { password: text("rabbitmq-pass")! } : {}),
  });
  await source.start();
  console.log(
    `Counting netconn events from ${source.brokerUrl} (queue${queues > 1 ? "s" : ""} ${
      source.queueNames.join(", ")
    }); Ctrl-C to stop`,
  );
  const onSignal = () => done.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  const timer = durationMs === undefined ? undefined : setTimeout(() => done.resolve(), durationMs);
  const ticker = setInterval(() => console.log(counter.format(top)), intervalMs);
  try {
    await done.promise;
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
    Deno.removeSignalListener("SIGINT", onSignal);
  }
  await source.close();
  console.log(counter.format(top));
  for (const error of registry.errors) console.error(error.exception);
  return registry.errors.length > 0 ? 1 : 0;
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
