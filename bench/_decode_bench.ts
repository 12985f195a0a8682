// deno-lint-ignore-file no-console
/**
 * The consumer's CPU per raw sensor event without a broker: realistic `CbEventMsg` bodies (the
 * five kinds of tests/events/_sensor_stream.ts) handed to an {@linkcode EventSource}'s
 * `handleNow` (decode + dispatch to one callback, as `RabbitMqEventSource` does per delivery),
 * against `decodeSensorEvent` alone, protobufjs' own decode of the same bytes (a reference: it
 * makes Long objects, not our plain form) and a loop that only touches the bytes. The stream
 * repeats what a real one repeats (the process and host of every event are the same few); a
 * second stream, where every hash, path, host name and process creation time is new, is the
 * worst case. Events per process CPU-second, median of the rounds.
 *
 * ```sh
 * deno run --allow-read --allow-env --allow-sys bench/_decode_bench.ts [EVENTS] [ROUNDS]
 * ```
 *
 * Prints a readable line, then the figures as one JSON line (`deno task bench` runs it so).
 *
 * @module
 */

import process from "node:process";
import protobuf from "protobufjs";
import {
  decodeSensorEvent,
  encodeSensorEvent,
  type EventApi,
  EventRegistry,
  EventSource,
  type HandleOutcome,
  SENSOR_EVENTS_PROTO,
  type SensorEvent,
} from "@cbapi/cbapi/events";
import { sensorEvent } from "../tests/events/_sensor_stream.ts";
import { median, round } from "./_util.ts";

/** A source fed by hand: `handleNow` is the per-delivery path of the RabbitMQ source. */
class HandSource extends EventSource {
  readonly kind = "rabbitmq" as const;
  constructor(registry: EventRegistry) {
    const api: EventApi = { url: "https://cb.example", connection: { credentials: undefined } };
    super(api, { registry });
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  get running(): boolean {
    return true;
  }
  feed(type: string, raw: Uint8Array): HandleOutcome | Promise<HandleOutcome> {
    return this.handleNow({ type, raw, format: "protobuf", redelivered: false });
  }
}

/** Events per CPU-second of each pass, median of the rounds. */
export interface DecodeFigures {
  events: number;
  rounds: number;
  /** Decode + dispatch through `handleNow`. */
  consumer: number;
  /** The same, every hash, path, host name and creation time distinct. */
  consumerDistinct: number;
  /** `decodeSensorEvent` alone. */
  decode: number;
  /** protobufjs `Type.decode` (Long objects, not the same output). */
  protobufjs: number;
  /** Touching each body and nothing else. */
  floor: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The same event with every hash, path, host name and creation time made its own. */
function distinctEvent(id: number, body: Uint8Array): Uint8Array {
  const tag = [...id.toString(16).padStart(8, "0")].reverse().join(""); // differs at once
  const own = (v: unknown, k: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => own(x, k));
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k2, v2]) => [k2, own(v2, k2)]));
    }
    if (typeof v !== "string") return v;
    if (/^[0-9a-f]{32,}$/.test(v)) return tag + v.slice(8);
    if (k.endsWith("create_time")) return String(BigInt(v) + BigInt(id));
    return /[\\.]|HostName/.test(v + k) ? `${v}-${id}` : v;
  };
  return Uint8Array.from(encodeSensorEvent(own(decodeSensorEvent(body), "") as SensorEvent));
}

/**
 * Runs every pass `rounds` times, interleaved.
 *
 * @param events Events per pass.
 * @param rounds Rounds.
 * @returns The medians.
 */
export function decodeFigures(events = 200_000, rounds = 5): DecodeFigures {
  const distinct = Math.min(events, 10_000);
  const keys: string[] = [];
  const bodies: Uint8Array[] = [];
  const own: Uint8Array[] = [];
  for (let id = 0; id < distinct; id++) {
    const { key, body } = sensorEvent(id);
    keys.push(key);
    bodies.push(Uint8Array.from(body)); // a plain Uint8Array, as the source hands on
    own.push(distinctEvent(id, body));
  }
  const type = protobuf.parse(SENSOR_EVENTS_PROTO, { keepCase: true }).root.lookupType(
    "CbEventMsg",
  );
  const registry = new EventRegistry();
  let sum = 0;
  registry.on("ingress.event.#", (_cb, _type, data) => {
    sum += (data as SensorEvent).header.eventid ?? 0;
  });
  const source = new HandSource(registry);
  const passes: Record<string, (i: number) => void> = {
    floor: (i) => {
      sum += bodies[i]![0]!;
    },
    protobufjs: (i) => {
      sum += type.decode(bodies[i]!) === undefined ? 1 : 0;
    },
    decode: (i) => {
      sum += decodeSensorEvent(bodies[i]!).header.version;
    },
    consumer: (i) => {
      if (source.feed(keys[i]!, bodies[i]!) !== "handled") throw new Error("not handled");
    },
    consumerDistinct: (i) => {
      if (source.feed(keys[i]!, own[i]!) !== "handled") throw new Error("not handled");
    },
  };
  const perSecond: Record<string, number[]> = {};
  for (let round = -1; round < rounds; round++) {
    for (const [name, pass] of Object.entries(passes)) {
      const start = cpuMs();
      for (let n = 0; n < events; n++) pass(n % distinct);
      const ms = cpuMs() - start;
      // round -1 warms the JIT up
      if (round >= 0) (perSecond[name] ??= []).push(events / (ms / 1000));
    }
  }
  if (sum === 0) throw new Error("nothing decoded");
  const m = (name: string) => Math.round(median(perSecond[name]!));
  return {
    events,
    rounds,
    consumer: m("consumer"),
    consumerDistinct: m("consumerDistinct"),
    decode: m("decode"),
    protobufjs: m("protobufjs"),
    floor: m("floor"),
  };
}

if (import.meta.main) {
  const f = decodeFigures(Number(Deno.args[0] ?? 200_000), Number(Deno.args[1] ?? 5));
  console.log(
    `${f.events} raw sensor events x ${f.rounds} rounds, events per CPU-second (median): ` +
      `handleNow (decode + dispatch) ${f.consumer}, all values distinct ${f.consumerDistinct}, ` +
      `decodeSensorEvent ${f.decode}, ` +
      `protobufjs decode ${f.protobufjs}, floor ${f.floor}; consumer/protobufjs ${
        round(f.consumer / f.protobufjs)
      }`,
  );
  console.log(JSON.stringify(f)); // the last line: what `deno task bench` reads
}
