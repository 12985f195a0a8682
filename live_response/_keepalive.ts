/**
 * The keepalive task of `LiveResponseManager`: every interval it pings each shared
 * session (`GET {base}/session/{sid}/keepalive`), closes sessions no handle uses any more, and
 * forgets (and quietly closes) sessions whose ping fails.
 *
 * @module
 */

import type { Connection } from "../core/mod.ts";
import { delay } from "../core/_internal.ts";
import { closeSessionQuietly, type LiveResponseFlavour, type SharedSession } from "./_protocol.ts";

/** What the keepalive task needs from its manager. */
export interface KeepaliveHost {
  /** The connection. */
  readonly connection: Connection;
  /** Which product's routes. */
  readonly flavour: LiveResponseFlavour;
  /** The manager's live shared sessions (the task deletes from it). */
  readonly sessions: Set<SharedSession>;
  /** The interval in force (read before each round). */
  interval(): number;
  /** Closes a shared session on the server. */
  closeShared(shared: SharedSession): Promise<void>;
}

/** A running keepalive task. */
export interface Keepalive {
  /** Aborting it stops the task. */
  controller: AbortController;
  /** Settles when the task has stopped. */
  done: Promise<void>;
}

/**
 * The base path of the Live Response routes of a product.
 *
 * @param flavour `response` or `defense`.
 * @returns The path.
 */
export function basePathOf(flavour: LiveResponseFlavour): string {
  return flavour === "response" ? "/api/v1/cblr" : "/integrationServices/v3/cblr";
}

/**
 * Starts the keepalive task.
 *
 * @param host The manager side.
 * @returns The task; abort its controller and await `done` to stop it.
 */
export function startKeepalive(host: KeepaliveHost): Keepalive {
  const controller = new AbortController();
  const loop = async () => {
    const signal = controller.signal;
    while (!signal.aborted) {
      try {
        await delay(host.interval(), { signal });
      } catch {
        return;
      }
      for (const shared of [...host.sessions]) {
        if (signal.aborted) return;
        if (shared.refs === 0) {
          await host.closeShared(shared).catch(() => {});
          continue;
        }
        try {
          const res = await host.connection.request(
            "GET",
            `${basePathOf(host.flavour)}/session/${shared.id}/keepalive`,
            { signal },
          );
          await res.body?.cancel();
        } catch {
          if (signal.aborted) return;
          host.sessions.delete(shared);
          await closeSessionQuietly(host.connection, host.flavour, shared.id);
        }
      }
    }
  };
  return { controller, done: loop() };
}
