/**
 * Entry of the emulator's Defense folder: its options, its state and its routes. The core
 * (`emulator.ts`) only calls the three functions below; everything else lives in this folder.
 *
 * @module
 */
import { json, type Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";
import { seedDevices, seedPolicies } from "./_data.ts";
import { seedEvents } from "./_events.ts";
import { addDefenseRoutes, answer } from "./_routes.ts";

/** Options of the Defense side of the emulator (a field of `EmulatorOptions`). */
export interface DefenseEmulatorOptions {
  /**
   * The legacy Cb Defense rate limit: at most `calls` authenticated Defense requests per API key
   * in any `windowMs` window; further ones are answered 429 with a `Retry-After` header (whole
   * seconds for windows of a second or more, fractional seconds for shorter test windows).
   * The real limit is `{ calls: 25, windowMs: 300000 }`; `false` turns it off.
   *
   * @default {false}
   */
  rateLimit?: false | { calls: number; windowMs: number };
}

/** The live Defense data set (a field of `EmulatorState`). */
export interface DefenseState {
  /** Devices by `deviceId` (the documents `GET device/{id}` wraps in `deviceInfo`). */
  devices: Map<number, Record<string, unknown>>;
  /** Events by `eventId` (wrapped in `eventInfo`). */
  events: Map<string, Record<string, unknown>>;
  /** Policies by `id` (wrapped in `policyInfo`); rules live in `policy.rules`. */
  policies: Map<number, Record<string, unknown>>;
  /**
   * The notification queue: push objects here; `GET notification` answers and removes them
   * all.
   */
  notifications: Record<string, unknown>[];
  /** The same maps by collection name: `device`, `event` and `policy`. */
  collections: Map<string, Map<string | number, Record<string, unknown>>>;
}

/** Settings the core passes to the Defense routes. */
export interface DefenseRouteSettings {
  /** The seed of the data set. */
  seed: number;
  /** The product options as given. */
  options: DefenseEmulatorOptions;
}

/**
 * Builds the seeded Defense data set.
 *
 * @param settings Seed and options.
 * @returns The state.
 */
export function buildDefenseState(settings: DefenseRouteSettings): DefenseState {
  const policies = seedPolicies();
  const devices = seedDevices(settings.seed, policies);
  const events = seedEvents(settings.seed, devices);
  const collections = new Map<string, Map<string | number, Record<string, unknown>>>([
    ["device", devices as Map<string | number, Record<string, unknown>>],
    ["event", events as Map<string | number, Record<string, unknown>>],
    ["policy", policies as Map<string | number, Record<string, unknown>>],
  ]);
  return { devices, events, policies, notifications: [], collections };
}

function retryAfterText(ms: number, windowMs: number): string {
  if (windowMs >= 1000) return String(Math.max(1, Math.ceil(ms / 1000)));
  return String(Math.max(1, Math.ceil(ms)) / 1000);
}

/**
 * Registers the Defense routes on the shared router (auth "defense": the `X-Auth-Token` must be
 * the emulator's Defense token), behind the optional rate limit.
 *
 * @param router The router.
 * @param state The whole emulator state.
 * @param settings Seed and options.
 */
export function registerDefenseRoutes(
  router: Router,
  state: EmulatorState,
  settings: DefenseRouteSettings,
): void {
  const limit = settings.options.rateLimit ?? false;
  if (limit && (!(limit.calls >= 1) || !(limit.windowMs > 0))) {
    throw new RangeError(
      `Defense rateLimit needs calls >= 1 and windowMs > 0, got ${JSON.stringify(limit)}`,
    );
  }
  const calls = new Map<string, number[]>();
  addDefenseRoutes((method, path, handler) => {
    router.add(method, path, (ctx) => {
      if (limit) {
        const key = ctx.headers["x-auth-token"] ?? "";
        const now = performance.now();
        const recent = (calls.get(key) ?? []).filter((t) => t > now - limit.windowMs);
        if (recent.length >= limit.calls) {
          calls.set(key, recent);
          const wait = recent[0]! + limit.windowMs - now;
          return json(
            {
              success: false,
              message: `Rate limit exceeded: ${limit.calls} calls per ${limit.windowMs} ms`,
            },
            429,
            { "Retry-After": retryAfterText(wait, limit.windowMs) },
          );
        }
        recent.push(now);
        calls.set(key, recent);
      }
      return answer(() => handler(ctx), json);
    }, "defense");
  }, state.defense);
}
