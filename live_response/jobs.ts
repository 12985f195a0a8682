/**
 * The job scheduler of Live Response: run one job on many sensors, never holding more sessions
 * than the server's slots, and read the per-sensor results as they complete.
 *
 * @example Read a registry value on every Windows sensor
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const key = String.raw`HKLM\SYSTEM\CurrentControlSet\services\ACPI\Start`;
 * await using jobs = cb.liveResponse.submitJob((s) => s.getRegistryValue(key), [1, 2, 3], { pollIntervalMs: 5 });
 * for await (const r of jobs) {
 *   assert.ok(r.ok && r.value.value_type === "REG_DWORD");
 * }
 * ```
 *
 * @module
 */

import { TimeoutError } from "../core/mod.ts";
import {
  abortable,
  type DeadlineSignal,
  deadlineSignal,
  delay,
  Semaphore,
} from "../core/_internal.ts";
import type { LiveResponseSession } from "./session.ts";

/** What a job receives besides its session. */
export interface JobContext {
  /** Aborts when the run is aborted, closed or out of time: pass it to commands. */
  signal: AbortSignal;
  /** The sensor (or device) the job runs on. */
  sensorId: number;
}

/** A job: a function of a live session. */
export type LiveResponseJob<T> = (
  session: LiveResponseSession,
  context: JobContext,
) => T | Promise<T>;

/** The outcome of a job on one sensor. */
export type JobResult<T> =
  | { sensorId: number; ok: true; value: T }
  | { sensorId: number; ok: false; error: unknown };

/** Options of `submitJob` and `runJob`. */
export interface SubmitJobOptions {
  /**
   * Aborts the run: what is left is cancelled, every session closed, and iteration rejects with
   * the signal's reason.
   *
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Milliseconds from submission after which a sensor without a result gets a
   * {@linkcode TimeoutError} result (waiting for a slot, for an offline sensor to come online,
   * for its session, or for the job). Without it, offline sensors wait until they come online.
   *
   * @default undefined
   */
  timeoutMs?: number;
  /**
   * Milliseconds one sensor may hold its slot (session plus jobs) before it times out.
   *
   * @default undefined
   */
  jobTimeoutMs?: number;
  /**
   * Most sessions this run holds at once (the manager's slot table, 10 by default, also applies).
   *
   * @default the manager's maxSessions
   */
  maxSessions?: number;
  /**
   * Milliseconds between polls of session and command status (and of an offline sensor).
   *
   * @default the manager's settings
   */
  pollIntervalMs?: number;
}

/** Where a sensor stands when the run starts. */
export interface SensorStanding {
  /** Whether sessions can be opened now. */
  online: boolean;
  /** Sort key: earlier next check-in first. */
  nextCheckin: number;
}

/** What a run needs from its manager (internal). */
export interface SchedulerHost {
  slots: Semaphore;
  pollIntervalMs: number;
  open(
    sensorId: number,
    signal: AbortSignal,
    pollIntervalMs: number | undefined,
  ): Promise<LiveResponseSession>;
  standings(ids: number[], signal: AbortSignal): Promise<Map<number, SensorStanding> | undefined>;
  isOnline(id: number, signal: AbortSignal): Promise<boolean>;
  /** Resolves once sessions whose open was aborted mid-request are closed on the server. */
  settled(): Promise<void>;
  server: string;
}

const INIT = Symbol("cbapi.jobRunInit");
const CLOSED = Symbol("cbapi.jobRunClosed");
const DEADLINE = Symbol("cbapi.jobDeadline");

interface RunInit<T> {
  host: SchedulerHost;
  job: LiveResponseJob<T>;
  sensorIds: number[];
  options: SubmitJobOptions;
}

/**
 * Starts a run (used by the manager).
 *
 * @typeParam T The job's value.
 * @param host The manager side.
 * @param job The job.
 * @param sensorIds The sensors, one job each (repeats run one after the other on one session).
 * @param options Signal, timeouts, slots.
 * @returns The run.
 */
export function startJobRun<T>(
  host: SchedulerHost,
  job: LiveResponseJob<T>,
  sensorIds: number[],
  options: SubmitJobOptions,
): JobRun<T> {
  return new JobRun<T>({ [INIT]: { host, job, sensorIds, options } });
}

/**
 * A submitted job: an async iterable of {@linkcode JobResult}s in completion order (each result
 * delivered once). Closing it (or `break`, or `await using`) cancels what is left and closes
 * every session it opened.
 *
 * @typeParam T The job's value.
 *
 * @example Collect the results
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * await using run = cb.liveResponse.submitJob((s) => s.listProcesses(), [1, 3], { pollIntervalMs: 5 });
 * const results = await Array.fromAsync(run);
 * assert.ok(results.length === 2 && results.every((r) => r.ok));
 * ```
 */
export class JobRun<T> implements AsyncIterable<JobResult<T>>, AsyncDisposable {
  #host: SchedulerHost;
  #job: LiveResponseJob<T>;
  #options: SubmitJobOptions;
  #controller = new AbortController();
  #results: JobResult<T>[] = [];
  #waiters: (() => void)[] = [];
  #finished = false;
  #done: Promise<void>;
  #pending: number;
  #started = Date.now();

  /**
   * Runs are started by `cb.liveResponse.submitJob()`.
   *
   * @param init Internal.
   * @throws {TypeError} When called directly.
   */
  constructor(init: unknown) {
    const i = (init as { [INIT]?: RunInit<T> } | undefined)?.[INIT];
    if (!i) throw new TypeError("JobRun cannot be built directly: use cb.liveResponse.submitJob()");
    this.#host = i.host;
    this.#job = i.job;
    this.#options = i.options;
    this.#pending = i.sensorIds.length;
    this.#done = this.#run(i.sensorIds);
  }

  /** Results not yet delivered or not yet known. */
  get pending(): number {
    return this.#pending + this.#results.length;
  }

  /**
   * Iterates the results as they complete; ends when every sensor has one. Leaving the loop early
   * closes the run.
   *
   * @returns The results.
   * @throws {unknown} The caller's abort reason when the run's signal aborted.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<JobResult<T>> {
    try {
      for (;;) {
        const caller = this.#options.signal;
        if (caller?.aborted) {
          await this.close();
          throw caller.reason;
        }
        const next = this.#results.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.#finished) return;
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
    } finally {
      await this.close();
    }
  }

  /**
   * Cancels what is left and resolves once every session of the run is closed. Idempotent.
   *
   * @returns Resolves when the run has stopped.
   */
  async close(): Promise<void> {
    if (!this.#finished) this.#controller.abort(CLOSED);
    await this.#done;
    await this.#host.settled();
  }

  /** Same as {@linkcode JobRun.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #push(result: JobResult<T>): void {
    this.#pending--;
    this.#results.push(result);
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  async #run(sensorIds: number[]): Promise<void> {
    const caller = this.#options.signal;
    const onAbort = () => this.#controller.abort(caller?.reason);
    caller?.addEventListener("abort", onAbort, { once: true });
    if (caller?.aborted) onAbort();
    using deadline = deadlineSignal(this.#options.timeoutMs, {
      signal: this.#controller.signal,
      reason: DEADLINE,
    });
    const signal = deadline.signal;
    try {
      const counts = new Map<number, number>();
      for (const id of sensorIds) counts.set(id, (counts.get(id) ?? 0) + 1);
      let standings: Map<number, SensorStanding> | undefined;
      try {
        standings = await this.#host.standings([...counts.keys()], signal);
      } catch {
        standings = undefined;
      }
      const order = [...counts.keys()];
      if (standings) {
        const rank = (id: number) => standings!.get(id);
        order.sort((a, b) => {
          const x = rank(a);
          const y = rank(b);
          if (x?.online !== y?.online) return x?.online ? -1 : 1;
          return (x?.nextCheckin ?? 0) - (y?.nextCheckin ?? 0);
        });
      }
      const local = new Semaphore(this.#options.maxSessions ?? Infinity);
      await Promise.all(
        order.map((id) =>
          this.#worker(id, counts.get(id)!, standings?.get(id)?.online ?? true, local, signal)
        ),
      );
    } finally {
      caller?.removeEventListener("abort", onAbort);
      this.#finished = true;
      this.#wake();
    }
  }

  async #worker(
    sensorId: number,
    jobs: number,
    online: boolean,
    local: Semaphore,
    runSignal: AbortSignal,
  ): Promise<void> {
    let done = 0;
    let hold: DeadlineSignal | undefined;
    let signal = runSignal;
    try {
      while (!online) {
        await delay(this.#options.pollIntervalMs ?? this.#host.pollIntervalMs, {
          signal: runSignal,
        });
        online = await this.#host.isOnline(sensorId, runSignal);
      }
      using _local = await local.acquire({ signal: runSignal });
      using _slot = await this.#host.slots.acquire({ signal: runSignal });
      hold = deadlineSignal(this.#options.jobTimeoutMs, { signal: runSignal, reason: DEADLINE });
      using _hold = hold;
      signal = hold.signal;
      await using session = await this.#host.open(sensorId, signal, this.#options.pollIntervalMs);
      while (done < jobs) {
        signal.throwIfAborted();
        try {
          const value = await abortable(this.#job(session, { signal, sensorId }), signal);
          done++;
          this.#push({ sensorId, ok: true, value });
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          done++;
          this.#push({ sensorId, ok: false, error });
        }
      }
    } catch (error) {
      const reason = signal.aborted ? signal.reason : undefined;
      if (reason !== undefined && reason !== DEADLINE) return; // closed or aborted: no results
      const failure = reason === DEADLINE
        ? this.#timeoutError(sensorId, hold?.expired ?? false)
        : error;
      while (done < jobs) {
        done++;
        this.#push({ sensorId, ok: false, error: failure });
      }
    }
  }

  #timeoutError(sensorId: number, held: boolean): TimeoutError {
    const limit = held ? this.#options.jobTimeoutMs! : this.#options.timeoutMs!;
    return new TimeoutError(
      `Live Response job for sensor ${sensorId} on ${this.#host.server} did not finish within ${limit} ms ` +
        `(${held ? "jobTimeoutMs" : "timeoutMs"}; run started ${
          Date.now() - this.#started
        } ms ago): the ` +
        `sensor may be offline or slow. Its session was closed; raise the limit or retry later`,
      { timeoutMs: limit },
    );
  }
}
