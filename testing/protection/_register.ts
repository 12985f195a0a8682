/**
 * Entry of the emulator's Protection folder: its options, its state and its routes. The core
 * (`emulator.ts`) only calls the two functions below; everything else lives in this folder.
 *
 * @module
 */
import type { Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";
import { seedCollections } from "./_data.ts";
import { addProtectionRoutes } from "./_routes.ts";

/** Options of the Protection side of the emulator (a field of `EmulatorOptions`). */
export interface ProtectionEmulatorOptions {
  /**
   * `ParityServerVersion` reported by `serverConfig`; models that need 8.0 are refused by the
   * client on older versions.
   *
   * @default {"8.0.0.2562"}
   */
  serverVersion?: string;
}

/** The live Protection data set (a field of `EmulatorState`); writes through the API change it. */
export interface ProtectionState {
  /** Objects by collection name (the path segment, e.g. `computer`), then by id. */
  collections: Map<string, Map<number, Record<string, unknown>>>;
  /** The last id handed out per collection. */
  nextId: Map<string, number>;
  /** How many CLI passwords were reset (makes each new password distinct). */
  cliResets: number;
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
 * @param settings Seed and options.
 * @returns The state.
 */
export function buildProtectionState(settings: ProtectionRouteSettings): ProtectionState {
  const seeded = seedCollections(settings.seed, settings.options.serverVersion ?? "8.0.0.2562");
  const collections = new Map<string, Map<number, Record<string, unknown>>>();
  for (const [name, rows] of Object.entries(seeded)) {
    collections.set(name, new Map(rows.map((r) => [r.id as number, r])));
  }
  return { collections, nextId: new Map(), cliResets: 0 };
}

/**
 * Registers the Protection routes on the shared router.
 *
 * @param router The router.
 * @param state The whole emulator state.
 * @param _settings Seed and options.
 */
export function registerProtectionRoutes(
  router: Router,
  state: EmulatorState,
  _settings: ProtectionRouteSettings,
): void {
  addProtectionRoutes(router, state.protection);
}
