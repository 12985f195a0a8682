/**
 * Entry of the emulator's Protection folder: its options, its state and its routes. The core
 * (`emulator.ts`) only calls the three functions below; everything else lives in this folder.
 *
 * @module
 */
import type { Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";

/** Options of the Protection side of the emulator (a field of `EmulatorOptions`). */
export interface ProtectionEmulatorOptions {
  /** `ParityServerVersion` reported by `serverConfig` (default "8.0.0.2562"). */
  serverVersion?: string;
}

/** The live Protection data set (a field of `EmulatorState`). */
export interface ProtectionState {
  /** Objects by collection name, then by id. */
  collections: Map<string, Map<string | number, Record<string, unknown>>>;
}

/** Settings the core passes to the Protection routes. */
export interface ProtectionRouteSettings {
  /** The seed of the data set. */
  seed: number;
  /** The product options as given. */
  options: ProtectionEmulatorOptions;
}

/**
 * Builds the seeded Protection data set.
 *
 * @param _settings Seed and options.
 * @returns The state.
 */
export function buildProtectionState(_settings: ProtectionRouteSettings): ProtectionState {
  return { collections: new Map() };
}

/**
 * Registers the Protection routes on the shared router.
 *
 * @param _router The router.
 * @param _state The whole emulator state.
 * @param _settings Seed and options.
 */
export function registerProtectionRoutes(
  _router: Router,
  _state: EmulatorState,
  _settings: ProtectionRouteSettings,
): void {}
