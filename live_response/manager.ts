/**
 * {@linkcode LiveResponseManager}: the Live Response entry point of one API (`cb.liveResponse`):
 * opens and shares sessions, keeps them alive on request, and runs jobs over many sensors.
 * {@linkcode liveResponseFor} builds one for any connection, for either product.
 *
 * @example Open a session by sensor id
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * await using session = await cb.liveResponse.requestSession(3, { pollIntervalMs: 5 });
 * assert.ok((await session.listProcesses()).length > 0);
 * ```
 *
 * @module
 */

import { ApiError, type Connection, ObjectNotFoundError } from "../core/mod.ts";
import type { LiveResponseFlavour, ProtocolSettings, SharedSession } from "./_protocol.ts";
import { checkTimeUnits, Semaphore } from "../core/_internal.ts";
import type { Keepalive } from "./_keepalive.ts";
import {
  definedOnly,
  osTypeOf,
  sensorIdOf,
  sensorOnline,
  sensorStandings,
} from "./_sensor_lookup.ts";
import type { LiveResponseSession, SessionHost } from "./session.ts";
import {
  type JobRun,
  type LiveResponseJob,
  type SchedulerHost,
  startJobRun,
  type SubmitJobOptions,
} from "./jobs.ts";

export type { LiveResponseFlavour } from "./_protocol.ts";

/**
 * The session protocol, session handles and keepalives, loaded on first use: a script that
 * never opens a session does not load them (nor the Win32 error names the protocol needs), so
 * importing a product module stays cheap. `cb.liveResponse` is built synchronously from this
 * module alone.
 */
interface SessionModules {
  protocol: typeof import("./_protocol.ts");
  session: typeof import("./session.ts");
  keepalive: typeof import("./_keepalive.ts");
}

let sessionModules: Promise<SessionModules> | undefined;
let loadedModules: SessionModules | undefined;

function loadSessionModules(): Promise<SessionModules> {
  return sessionModules ??= Promise.all([
    import("./_protocol.ts"),
    import("./session.ts"),
    import("./_keepalive.ts"),
  ]).then(([protocol, session, keepalive]) => (loadedModules = { protocol, session, keepalive }));
}

/** Settings of a {@linkcode LiveResponseManager}. */
export interface LiveResponseSettings {
  /**
   * Keep sessions open between uses (shared per sensor, reference counted) and send keepalives.
   *
   * @default false
   */
  keepaliveSessions?: boolean;
  /**
   * Milliseconds between keepalive rounds.
   *
   * @default 30000
   */
  keepaliveIntervalMs?: number;
  /**
   * Milliseconds between polls of a session being established.
   *
   * @default 1000
   */
  sessionPollIntervalMs?: number;
  /**
   * How long a session may take to become active, in milliseconds.
   *
   * @default 360000
   */
  sessionTimeoutMs?: number;
  /**
   * Milliseconds between polls of a running command.
   *
   * @default 500
   */
  commandPollIntervalMs?: number;
  /**
   * How long a command may run, in milliseconds.
   *
   * @default 120000
   */
  commandTimeoutMs?: number;
  /**
   * Most sessions the job scheduler holds at once (the server's slot count).
   *
   * @default 10
   */
  maxSessions?: number;
}

/** Options of {@linkcode LiveResponseManager.requestSession} (and `sensor.lrSession()`). */
export interface SessionOptions {
  /**
   * Aborts opening the session (nothing stays open); later commands take their own signal.
   *
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Milliseconds between status polls, both while opening and for this session's commands.
   *
   * @default the manager's sessionPollIntervalMs and commandPollIntervalMs
   */
  pollIntervalMs?: number;
  /**
   * How long the session may take to become active, in milliseconds.
   *
   * @default the manager's sessionTimeoutMs
   */
  timeoutMs?: number;
  /**
   * Default timeout of this session's commands, in milliseconds.
   *
   * @default the manager's commandTimeoutMs
   */
  commandTimeoutMs?: number;
  /**
   * The endpoint's OS type (1 Windows); looked up from the sensor or device when absent.
   *
   * @default undefined
   */
  osType?: number;
}

/** A sensor or device: its id, or an object with `id` or `deviceId`. */
export type SensorRef = number | string | { readonly id?: unknown } | {
  readonly deviceId?: unknown;
};

const DEFAULTS: Required<LiveResponseSettings> = {
  keepaliveSessions: false,
  keepaliveIntervalMs: 30_000,
  sessionPollIntervalMs: 1_000,
  sessionTimeoutMs: 360_000,
  commandPollIntervalMs: 500,
  commandTimeoutMs: 120_000,
  maxSessions: 10,
};

/**
 * Builds a Live Response manager on a connection, for Cb Response (`/api/v1/cblr`) or Cb Defense
 * (`/integrationServices/v3/cblr`). Product APIs expose theirs as `liveResponse`.
 *
 * @param connection The connection (not closed by the manager).
 * @param flavour `response` or `defense`.
 * @param settings Keepalive, polling, timeouts, slots.
 * @returns The manager; close it when done.
 *
 * @example A Cb Defense device
 * ```ts
 * import assert from "node:assert/strict";
 * import { Connection } from "@cbapi/cbapi/core";
 * import { liveResponseFor } from "@cbapi/cbapi/live-response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * using conn = await Connection.open("defense", { url: emu.url, token: emu.defenseToken });
 * await using lr = liveResponseFor(conn, "defense", { sessionPollIntervalMs: 5, commandPollIntervalMs: 5 });
 * await using session = await lr.requestSession(12);
 * assert.ok((await session.listProcesses()).length > 0);
 * ```
 */
export function liveResponseFor(
  connection: Connection,
  flavour: LiveResponseFlavour,
  settings: LiveResponseSettings = {},
): LiveResponseManager {
  return new LiveResponseManager(connection, flavour, settings);
}

/**
 * Opens Live Response sessions and runs jobs. One per API instance (`cb.liveResponse`);
 * closing it closes every session and job run it started.
 *
 * @example Run one job on one sensor and await its value
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const names = await cb.liveResponse.runJob(async (s) => (await s.listProcesses()).map((p) => p.pid), 3, { pollIntervalMs: 5 });
 * assert.ok(names.includes(4));
 * ```
 */
export class LiveResponseManager implements AsyncDisposable {
  /** The connection sessions use. */
  readonly connection: Connection;
  /** Which product's routes. */
  readonly flavour: LiveResponseFlavour;
  #settings: Required<LiveResponseSettings>;
  #sessions = new Set<SharedSession>();
  #runs = new Set<JobRun<unknown>>();
  // Closes of sessions whose open was aborted while the server was still creating them.
  #cleanups = new Set<Promise<void>>();
  #slots: Semaphore;
  #keepalive: Keepalive | undefined;
  #closing: Promise<void> | undefined;
  #osTypeOf: (sensorId: number, signal: AbortSignal | undefined) => Promise<number | undefined>;

  /**
   * Builds a manager (see {@linkcode liveResponseFor}).
   *
   * @param connection The connection.
   * @param flavour `response` or `defense`.
   * @param settings Keepalive, polling, timeouts, slots.
   * @param osTypeLookup How to find an endpoint's OS type when a session opens: the product
   * APIs pass one that reads the sensor (or device) through their object cache, so a session
   * costs no GET for an endpoint already loaded, as in the Python library. Default: a GET of the
   * sensor or device.
   */
  constructor(
    connection: Connection,
    flavour: LiveResponseFlavour,
    settings: LiveResponseSettings = {},
    osTypeLookup?: (
      sensorId: number,
      signal: AbortSignal | undefined,
    ) => Promise<number | undefined>,
  ) {
    checkTimeUnits(settings, "Live Response settings");
    this.connection = connection;
    this.flavour = flavour;
    this.#osTypeOf = osTypeLookup ??
      ((sensorId, signal) => osTypeOf(connection, flavour, sensorId, signal));
    this.#settings = { ...DEFAULTS, ...definedOnly(settings) };
    this.#slots = new Semaphore(this.#settings.maxSessions);
  }

  /** The settings in force. */
  get settings(): Readonly<Required<LiveResponseSettings>> {
    return this.#settings;
  }

  /** How many server sessions this manager holds open. */
  get openSessions(): number {
    return this.#sessions.size;
  }

  /** Whether {@linkcode LiveResponseManager.close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Changes settings for what starts afterwards (for example tiny poll intervals in tests).
   *
   * @param settings The settings to change.
   */
  configure(settings: LiveResponseSettings): void {
    checkTimeUnits(settings, "liveResponse.configure()");
    this.#settings = { ...this.#settings, ...definedOnly(settings) };
    this.#slots.max = this.#settings.maxSessions;
  }

  /**
   * A session on a sensor (Cb Response) or device (Cb Defense): a live session of this manager
   * for it is shared; otherwise Cb Response reuses the sensor's pending or active server session
   * or creates one, Cb Defense creates one; then waits until it is active. A failure or abort
   * while opening closes what was opened.
   *
   * @param sensor The sensor or device (or its id).
   * @param options Signal, poll interval, timeouts, OS type.
   * @returns The session: close it (`await using`).
   * @throws {TimeoutError} When the session does not become active in time.
   * @throws {ApiError} When the manager is closed.
   */
  requestSession(sensor: SensorRef, options: SessionOptions = {}): Promise<LiveResponseSession> {
    try {
      checkTimeUnits(options, "Opening a Live Response session");
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#open(sensor, options, undefined);
  }

  async #open(
    sensor: SensorRef,
    options: SessionOptions,
    commandSignal: AbortSignal | undefined,
  ): Promise<LiveResponseSession> {
    this.#checkOpen();
    const sensorId = sensorIdOf(sensor);
    const { protocol, session } = loadedModules ?? await loadSessionModules();
    this.#checkOpen();
    const { closeSessionQuietly, establishSession } = protocol;
    const settings = this.#protocolSettings(options);
    let shared = this.#find(sensorId);
    if (!shared) {
      const osType = options.osType ??
        await this.#osTypeOf(sensorId, options.signal);
      const data = await establishSession(
        this.connection,
        this.flavour,
        sensorId,
        settings,
        options.signal,
        this.#track,
      );
      if (this.#closing) {
        await closeSessionQuietly(this.connection, this.flavour, data.id);
        this.#checkOpen();
      }
      shared = [...this.#sessions].find((s) => s.id === data.id && !s.closed);
      if (!shared) {
        shared = {
          flavour: this.flavour,
          sensorId,
          id: data.id,
          data,
          osType,
          refs: 0,
          closed: false,
          controller: new AbortController(),
        };
        this.#sessions.add(shared);
      }
    }
    shared.refs++;
    if (this.#settings.keepaliveSessions) this.#startKeepalive();
    const defaults: { pollIntervalMs?: number; timeoutMs?: number; signal?: AbortSignal } = {};
    if (commandSignal) defaults.signal = commandSignal;
    if (options.pollIntervalMs !== undefined) defaults.pollIntervalMs = options.pollIntervalMs;
    if (options.commandTimeoutMs !== undefined) defaults.timeoutMs = options.commandTimeoutMs;
    return session.createSessionHandle(this.#host(settings), shared, defaults);
  }

  /**
   * Runs `job` once per sensor listed, at most `maxSessions` sessions at once, and returns the
   * results as they complete. Jobs listed twice for one sensor run one after the other on one
   * session. Cb Response sensors that are online go first (earliest next check-in first); an
   * offline sensor waits, without a slot, until it comes online or the timeout ends it.
   *
   * @typeParam T The job's value.
   * @param job The job.
   * @param sensors The sensors or devices (or their ids).
   * @param options Signal, timeouts, slots, poll interval.
   * @returns The run: iterate it and close it (`await using`).
   * @throws {ApiError} When the manager is closed.
   */
  submitJob<T>(
    job: LiveResponseJob<T>,
    sensors: SensorRef | Iterable<SensorRef>,
    options: SubmitJobOptions = {},
  ): JobRun<T> {
    checkTimeUnits(options, "liveResponse.submitJob()");
    this.#checkOpen();
    const list = typeof sensors === "object" && sensors !== null && Symbol.iterator in sensors
      ? [...sensors as Iterable<SensorRef>]
      : [sensors as SensorRef];
    const run = startJobRun(this.#schedulerHost(), job, list.map(sensorIdOf), options);
    this.#runs.add(run as JobRun<unknown>);
    return run;
  }

  /**
   * Runs `job` on one sensor through the scheduler and returns its value (the Python
   * `submit_job(...).result()`).
   *
   * @typeParam T The job's value.
   * @param job The job.
   * @param sensor The sensor or device (or its id).
   * @param options Signal, timeouts, poll interval.
   * @returns The job's value.
   * @throws {unknown} What the job threw, a {@linkcode TimeoutError}, or the abort reason.
   */
  async runJob<T>(
    job: LiveResponseJob<T>,
    sensor: SensorRef,
    options: SubmitJobOptions = {},
  ): Promise<T> {
    await using run = this.submitJob(job, [sensor], options);
    for await (const result of run) {
      if (result.ok) return result.value;
      throw result.error;
    }
    throw new ApiError(`The Live Response job for sensor ${sensorIdOf(sensor)} gave no result`);
  }

  /**
   * Stops keepalives, cancels job runs and closes every session this manager opened. Idempotent.
   *
   * @returns Resolves once everything is closed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#keepalive?.controller.abort();
      await this.#keepalive?.done;
      await Promise.all([...this.#runs].map((r) => r.close()));
      await Promise.all([...this.#sessions].map((s) => this.#closeShared(s).catch(() => {})));
      await this.#settled();
    })();
    return this.#closing;
  }

  /** Same as {@linkcode LiveResponseManager.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #checkOpen(): void {
    if (this.#closing) {
      throw new ApiError(
        `The Live Response manager of ${this.connection.url} is closed: connect again to open sessions`,
      );
    }
  }

  #track = (cleanup: Promise<void>): void => {
    this.#cleanups.add(cleanup);
    cleanup.finally(() => this.#cleanups.delete(cleanup));
  };

  /**
   * Resolves once every session whose open was aborted mid-request has been closed on the
   * server (used by {@linkcode LiveResponseManager.close}).
   */
  async #settled(): Promise<void> {
    while (this.#cleanups.size > 0) await Promise.all(this.#cleanups);
  }

  #find(sensorId: number): SharedSession | undefined {
    for (const s of this.#sessions) if (s.sensorId === sensorId && !s.closed) return s;
    return undefined;
  }

  #protocolSettings(options: SessionOptions): ProtocolSettings {
    const s = this.#settings;
    return {
      sessionPollIntervalMs: options.pollIntervalMs ?? s.sessionPollIntervalMs,
      sessionTimeoutMs: options.timeoutMs ?? s.sessionTimeoutMs,
      commandPollIntervalMs: options.pollIntervalMs ?? s.commandPollIntervalMs,
      commandTimeoutMs: options.commandTimeoutMs ?? s.commandTimeoutMs,
    };
  }

  #host(settings: ProtocolSettings): SessionHost {
    return {
      connection: this.connection,
      settings,
      reestablish: async (shared, signal) => {
        const { closeSessionQuietly, establishSession } = (await loadSessionModules()).protocol;
        const data = await establishSession(
          this.connection,
          this.flavour,
          shared.sensorId,
          settings,
          signal,
          this.#track,
        );
        shared.id = data.id;
        shared.data = data;
        if (!shared.closed) this.#sessions.add(shared);
        else await closeSessionQuietly(this.connection, this.flavour, data.id);
      },
      release: async (shared) => {
        shared.refs = Math.max(0, shared.refs - 1);
        if (shared.refs > 0 || shared.closed) return;
        if (this.#settings.keepaliveSessions && !this.#closing) return;
        await this.#closeShared(shared);
      },
    };
  }

  async #closeShared(shared: SharedSession): Promise<void> {
    if (shared.closed) return;
    shared.closed = true;
    shared.controller.abort(
      new ApiError(
        `Live Response session ${shared.id} of sensor ${shared.sensorId} on ${this.connection.url} was closed`,
      ),
    );
    this.#sessions.delete(shared);
    try {
      const { closeSession } = (await loadSessionModules()).protocol;
      await closeSession(this.connection, this.flavour, shared.id);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
  }

  #startKeepalive(): void {
    if (this.#keepalive) return;
    // Called once a session is open, so the session modules are loaded.
    this.#keepalive = loadedModules!.keepalive.startKeepalive({
      connection: this.connection,
      flavour: this.flavour,
      sessions: this.#sessions,
      interval: () => this.#settings.keepaliveIntervalMs,
      closeShared: (shared) => this.#closeShared(shared),
    });
  }

  #schedulerHost(): SchedulerHost {
    return {
      slots: this.#slots,
      pollIntervalMs: this.#settings.sessionPollIntervalMs,
      server: this.connection.url,
      open: (sensorId, signal, pollInterval) =>
        this.#open(
          sensorId,
          pollInterval !== undefined ? { signal, pollIntervalMs: pollInterval } : { signal },
          signal,
        ),
      standings: async (ids, signal) => {
        if (this.flavour !== "response") return undefined;
        return await sensorStandings(this.connection, ids, signal);
      },
      isOnline: (id, signal) => sensorOnline(this.connection, id, signal),
      settled: () => this.#settled(),
    };
  }
}
