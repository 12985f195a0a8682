/**
 * Entry of the emulator's LiveResponse folder: its options, its state and its routes. The core
 * (`emulator.ts`) only calls the three functions below; everything else lives in this folder.
 *
 * @module
 */
import type { Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";

/** Options of the LiveResponse side of the emulator (a field of `EmulatorOptions`). */
export interface LiveResponseEmulatorOptions {
  /** Most Live Response sessions open at once (default 10). */
  maxSessions?: number;
}

/** The live LiveResponse data set (a field of `EmulatorState`). */
export interface LiveResponseState {
  /** Objects by collection name, then by id. */
  collections: Map<string, Map<string | number, Record<string, unknown>>>;
}

/** Settings the core passes to the LiveResponse routes. */
export interface LiveResponseRouteSettings {
  /** The seed of the data set. */
  seed: number;
  /** The product options as given. */
  options: LiveResponseEmulatorOptions;
}

/**
 * Builds the seeded LiveResponse data set.
 *
 * @param _settings Seed and options.
 * @returns The state.
 */
export function buildLiveResponseState(_settings: LiveResponseRouteSettings): LiveResponseState {
  return { collections: new Map() };
}

/**
 * Registers the LiveResponse routes on the shared router.
 *
 * @param _router The router.
 * @param _state The whole emulator state.
 * @param _settings Seed and options.
 */
export function registerLiveResponseRoutes(
  _router: Router,
  _state: EmulatorState,
  _settings: LiveResponseRouteSettings,
): void {}
