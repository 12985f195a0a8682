// The Live Response wire protocol, shared by sessions, the manager and the job scheduler:
// routes of both products, session establishment and close, command post and completion polling.

import { type Connection, ObjectNotFoundError, TimeoutError } from "../core/mod.ts";
import { delay, redactText } from "../core/_internal.ts";
import { liveResponseErrorFrom } from "./win32.ts";

/** Which product's Live Response routes to use. */
export type LiveResponseFlavour = "response" | "defense";

/** A session document (`GET {base}/session/{id}`). */
export interface SessionDocument {
  /** Session id. */
  id: number;
  /** Sensor (or device) id. */
  sensor_id?: number;
  /** `pending`, `active`, `close`, ... (`PENDING`/`ACTIVE` on Cb Defense). */
  status?: string;
  /** Command names the sensor accepts. */
  supported_commands?: string[];
  /** Drives of a Windows endpoint. */
  drives?: string[];
  /** Further fields. */
  [field: string]: unknown;
}

/** A command document (`GET {base}/session/{sid}/command/{cid}`). */
export interface CommandDocument {
  /** Command id. */
  id: number;
  /** Command name, e.g. `get file`. */
  name?: string;
  /** `pending`, `complete` or `error`. */
  status?: string;
  /** Further fields (command results, `file_id`, `result_code`, ...). */
  [field: string]: unknown;
}

/** The resolved timing settings. */
export interface ProtocolSettings {
  sessionPollIntervalMs: number;
  sessionTimeoutMs: number;
  commandPollIntervalMs: number;
  commandTimeoutMs: number;
}

/** Server-side session shared by every handle a manager gave out for one sensor. */
export interface SharedSession {
  readonly flavour: LiveResponseFlavour;
  readonly sensorId: number;
  id: number;
  data: SessionDocument;
  osType: number | undefined;
  refs: number;
  closed: boolean;
  /** Aborted when the session is closed under running commands. */
  readonly controller: AbortController;
}

const BASES: Record<LiveResponseFlavour, string> = {
  response: "/api/v1/cblr",
  defense: "/integrationServices/v3/cblr",
};

const TERMINAL = new Set(["close", "closed", "timeout", "CLOSE", "CLOSED", "TIMEOUT", "ERROR"]);

export function basePath(flavour: LiveResponseFlavour): string {
  return BASES[flavour];
}

function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/** Whether a 404 body says the session (or sensor) vanished, so the session can be rebuilt. */
export function sessionGone(body: string): boolean {
  const text = body.trim();
  if (text.startsWith("Sensor") || text.startsWith("Session")) return true;
  try {
    const parsed = JSON.parse(text) as { status?: unknown };
    return parsed?.status === "NOT_FOUND";
  } catch {
    return false;
  }
}

/** How long an aborted wait still gives the clean-up of a request in flight before rejecting. */
const ABORT_GRACE_MS = 1_000;

/**
 * Waits for `promise`, but rejects with the signal's reason once the signal aborts. The request
 * itself goes on: `late` receives it to clean up what it makes (such as a session the server
 * opened after the caller gave up), and `track` receives that clean-up. The rejection waits for
 * the clean-up at most {@linkcode ABORT_GRACE_MS}, so that an answer already on its way is
 * cleaned up before the caller hears of the abort, and a server that hangs cannot hold it.
 */
function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  late: (promise: Promise<T>) => Promise<void>,
  track: ((cleanup: Promise<void>) => void) | undefined,
): Promise<T> {
  if (!signal) return promise;
  const giveUp = (reject: (reason: unknown) => void) => {
    const cleanup = late(promise);
    track?.(cleanup);
    let timer: ReturnType<typeof setTimeout> | undefined;
    Promise.race([cleanup, new Promise<void>((r) => timer = setTimeout(r, ABORT_GRACE_MS))])
      .finally(() => {
        clearTimeout(timer);
        reject(signal.reason);
      });
  };
  if (signal.aborted) return new Promise<T>((_resolve, reject) => giveUp(reject));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => giveUp(reject);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Opens (or for Cb Response reuses) a server session for a sensor and waits until it is active.
 * Every wait ends when `signal` aborts (rethrowing its reason). Any failure or abort closes what
 * was opened: a session request still in flight at the abort is closed when its answer names
 * the session, and `track` receives that clean-up so the manager can wait for it.
 */
export async function establishSession(
  conn: Connection,
  flavour: LiveResponseFlavour,
  sensorId: number,
  settings: ProtocolSettings,
  signal: AbortSignal | undefined,
  track?: (cleanup: Promise<void>) => void,
): Promise<SessionDocument> {
  const base = basePath(flavour);
  let sid: number | undefined;
  if (flavour === "response") {
    const rows = await conn.getObject<SessionDocument[]>(`${base}/session`, undefined, {
      ...withSignal(signal),
    });
    const hit = (Array.isArray(rows) ? rows : []).find((r) =>
      r.sensor_id === sensorId && (r.status === "pending" || r.status === "active")
    );
    sid = hit?.id;
  }
  if (sid === undefined) {
    const path = flavour === "response" ? `${base}/session` : `${base}/session/${sensorId}`;
    // The request is not cancelled on abort (only its answer names the session to close); the
    // caller stops waiting at once and the session is closed when the answer comes.
    const res = await abortable(
      conn.requestJson<{ id?: number }>("POST", path, { json: { sensor_id: sensorId } }),
      signal,
      async (late) => {
        const id = (await late.catch(() => undefined))?.data?.id;
        if (typeof id === "number") await closeSessionQuietly(conn, flavour, id);
      },
      track,
    );
    sid = res.data?.id;
    if (typeof sid === "number" && signal?.aborted) {
      await closeSessionQuietly(conn, flavour, sid);
      throw signal.reason;
    }
    if (typeof sid !== "number") {
      throw new TimeoutError(
        `Could not establish session with sensor ${sensorId}: ${conn.url} answered the session ` +
          `request without an id (${redactText(res.text).slice(0, 200)})`,
        { url: `${conn.url}${path}`, status: res.status },
      );
    }
  }
  const wanted = flavour === "response" ? "active" : "ACTIVE";
  const uri = `${conn.url}${base}/session/${sid}`;
  const started = Date.now();
  let last: SessionDocument | undefined;
  let serverEnded = false;
  try {
    const deadline = started + settings.sessionTimeoutMs;
    for (;;) {
      const doc = await conn.getObject<SessionDocument>(
        `${base}/session/${sid}`,
        undefined,
        withSignal(signal),
      );
      last = doc;
      if (doc?.status === wanted) return doc;
      if (doc?.status === "error" || TERMINAL.has(String(doc?.status))) {
        serverEnded = true;
        throw new Error(`the session went to status "${doc?.status}"`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the session was still "${doc?.status}"`);
      await delay(Math.min(settings.sessionPollIntervalMs, left), { signal });
    }
  } catch (cause) {
    await closeSessionQuietly(conn, flavour, sid);
    if (signal?.aborted) throw signal.reason;
    throw new TimeoutError(
      sessionFailure(conn.url, sensorId, cause, {
        waitedMs: Date.now() - started,
        timeoutMs: settings.sessionTimeoutMs,
        serverEnded,
        last,
      }),
      { url: uri, status: 404, timeoutMs: settings.sessionTimeoutMs, cause },
    );
  }
}

/**
 * The message of a session that never went active: the real time waited, who gave up (the server's
 * `sensor_wait_timeout` or our `timeoutMs`) and what to do next.
 */
function sessionFailure(
  url: string,
  sensorId: number,
  cause: unknown,
  o: {
    waitedMs: number;
    timeoutMs: number;
    serverEnded: boolean;
    last: SessionDocument | undefined;
  },
): string {
  const head = `Could not establish session with sensor ${sensorId} on ${url}`;
  const waited = `${Math.round(o.waitedMs / 100) / 10} s`;
  const next = "Check that the sensor is online (sensor status and last check-in) and retry " +
    "when it is; the session was closed";
  if (cause instanceof ObjectNotFoundError) {
    return `${head}: after ${waited} the server no longer knows the session. ${next}`;
  }
  const why = cause instanceof Error ? cause.message : String(cause);
  if (o.serverEnded) {
    const wait = o.last?.sensor_wait_timeout;
    const limit = typeof wait === "number" ? ` (its sensor_wait_timeout is ${wait} s)` : "";
    return `${head}: ${why} after ${waited}: the server stopped waiting for the sensor to check ` +
      `in${limit}, so the sensor is probably offline. ${next}`;
  }
  if (cause instanceof Error && /^the session was still /.test(why)) {
    return `${head} within ${o.timeoutMs / 1000} s: ${why}. The sensor may be offline or slow ` +
      `to check in. ${next}, or pass a longer timeoutMs`;
  }
  return `${head} after ${waited}: ${why}. ${next}`;
}

/**
 * Closes a session on the server: Cb Response GETs the document and PUTs it back with
 * `status: "close"`; Cb Defense PUTs `{session_id, status: "CLOSE"}`.
 */
export async function closeSession(
  conn: Connection,
  flavour: LiveResponseFlavour,
  sid: number,
  signal?: AbortSignal,
): Promise<void> {
  const base = basePath(flavour);
  if (flavour === "response") {
    const doc = await conn.getObject<SessionDocument>(
      `${base}/session/${sid}`,
      undefined,
      withSignal(signal),
    );
    const res = await conn.request("PUT", `${base}/session/${sid}`, {
      json: { ...(doc ?? { id: sid }), status: "close" },
      ...withSignal(signal),
    });
    await res.body?.cancel();
  } else {
    const res = await conn.request("PUT", `${base}/session`, {
      json: { session_id: sid, status: "CLOSE" },
      ...withSignal(signal),
    });
    await res.body?.cancel();
  }
}

/** {@linkcode closeSession}, ignoring every error (used on failure paths). */
export async function closeSessionQuietly(
  conn: Connection,
  flavour: LiveResponseFlavour,
  sid: number,
): Promise<void> {
  try {
    await closeSession(conn, flavour, sid);
  } catch {
    // best effort: the server forgets the session after its timeout anyway
  }
}

/** Polls a command until `complete` (returned) or `error` (LiveResponseError). */
export async function pollCommand(
  conn: Connection,
  shared: SharedSession,
  cid: number,
  name: string,
  timeout: number,
  interval: number,
  signal: AbortSignal | undefined,
): Promise<CommandDocument> {
  const path = `${basePath(shared.flavour)}/session/${shared.id}/command/${cid}`;
  const deadline = Date.now() + timeout;
  for (;;) {
    const doc = await conn.getObject<CommandDocument>(path, undefined, withSignal(signal));
    if (doc?.status === "complete") return doc;
    if (doc?.status === "error") {
      throw liveResponseErrorFrom(doc, { server: conn.url, sensorId: shared.sensorId });
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new TimeoutError(
        `timeout polling for Live Response: command "${name}" (id ${cid}) on sensor ${shared.sensorId} ` +
          `of ${conn.url} did not complete within ${timeout} ms. The endpoint may be busy or ` +
          `offline: raise the timeoutMs option`,
        { url: `${conn.url}${path}`, timeoutMs: timeout },
      );
    }
    await delay(Math.min(interval, left), { signal });
  }
}
