/**
 * Entry of the Cb Response product folder: registers all its routes on the shared router.
 *
 * @module
 */
import type { Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";
import { registerAdminRoutes } from "./_routes_admin.ts";
import { registerAlertRoutes } from "./_routes_alerts.ts";
import { registerFeedRoutes } from "./_routes_feeds.ts";
import { registerSearchRoutes } from "./_routes_search.ts";
import { registerSensorRoutes } from "./_routes_sensor.ts";
import { registerStorageRoutes } from "./_routes_storage.ts";
import { registerUserRoutes } from "./_routes_users.ts";

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
  /** The server's clock (ms since the epoch): relative time terms count back from it. */
  now: () => number;
}

/** Registers every Cb Response route. */
export function registerResponseRoutes(
  router: Router,
  state: EmulatorState,
  options: ResponseRouteOptions,
): void {
  registerAdminRoutes(router, state, options);
  registerSearchRoutes(router, state, options.now);
  registerSensorRoutes(router, state, options);
  registerFeedRoutes(router, state);
  registerAlertRoutes(router, state);
  registerUserRoutes(router, state, options);
  registerStorageRoutes(router, state);
}
