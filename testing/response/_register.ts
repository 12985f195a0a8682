/**
 * Entry of the Cb Response product folder: registers all its routes on the shared router.
 *
 * @module
 */
import type { Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";
import { registerAdminRoutes } from "./_routes_admin.ts";
import { registerSearchRoutes } from "./_routes_search.ts";
import { registerSensorRoutes } from "./_routes_sensor.ts";

export { buildState } from "./_state.ts";

/** Settings of the Cb Response routes. */
export interface ResponseRouteOptions {
  /** Server version string. */
  serverVersion: string;
  /** API token (returned by `GET /api/auth`). */
  token: string;
  /** Secret text for Digest nonces. */
  secret: string;
  /** 6.1 empty-sensor-query quirk. */
  sensorQuery500OnEmpty: boolean;
}

/** Registers every Cb Response route. */
export function registerResponseRoutes(
  router: Router,
  state: EmulatorState,
  options: ResponseRouteOptions,
): void {
  registerAdminRoutes(router, state, options);
  registerSearchRoutes(router, state);
  registerSensorRoutes(router, state, options);
}
