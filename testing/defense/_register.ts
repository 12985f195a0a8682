/**
 * Entry of the emulator's Defense folder: its options, its state and its routes. The core
 * (`emulator.ts`) only calls the three functions below; everything else lives in this folder.
 *
 * @module
 */
import type { Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";

/** Options of the Defense side of the emulator (a field of `EmulatorOptions`). */
export interface DefenseEmulatorOptions {
  /** The legacy rate limit (calls per window per API key, answered 429 with Retry-After); false turns it off. */
  rateLimit?: false | { calls: number; windowMs: number };
}

/** The live Defense data set (a field of `EmulatorState`). */
export interface DefenseState {
  /** Objects by collection name, then by id. */
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
 * @param _settings Seed and options.
 * @returns The state.
 */
export function buildDefenseState(_settings: DefenseRouteSettings): DefenseState {
  return { collections: new Map() };
}

/**
 * Registers the Defense routes on the shared router.
 *
 * @param _router The router.
 * @param _state The whole emulator state.
 * @param _settings Seed and options.
 */
export function registerDefenseRoutes(
  _router: Router,
  _state: EmulatorState,
  _settings: DefenseRouteSettings,
): void {}
