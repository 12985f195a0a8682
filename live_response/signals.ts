/**
 * Closing Live Response sessions when a script is interrupted: {@linkcode closeOnSignal}.
 *
 * `await using` closes sessions when a script ends normally or throws, but Ctrl-C (SIGINT) or a
 * `kill` (SIGTERM) ends the process without running it, and the server keeps the sessions open
 * until they time out (minutes), holding some of its session slots.
 *
 * @module
 */

import { checkTimeUnits } from "../core/_internal.ts";

/**
 * Anything closed on a signal: a product API (which closes its Live Response sessions), a Live
 * Response manager, a session or a job run.
 */
export interface Closable {
  /** Closes it; resolves when done. */
  close(): Promise<void>;
}

/** Options of {@linkcode closeOnSignal}. */
export interface CloseOnSignalOptions {
  /**
   * The signals to handle. On Windows only `SIGINT` and `SIGBREAK` can be listened to, and the
   * others are skipped.
   *
   * @default {["SIGINT", "SIGTERM"]}
   */
  signals?: readonly Deno.Signal[];
  /**
   * How long closing may take before the process exits anyway, in milliseconds.
   *
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Exit the process once closed, with status 128 + the signal number (130 for SIGINT, 143 for
   * SIGTERM), as a shell does for a process a signal ended. With `false` the handler only closes,
   * and the script goes on (the listeners stay installed until disposed).
   *
   * @default true
   */
  exit?: boolean;
  /**
   * Called first when a signal arrives (for example to print "Closing sessions...").
   *
   * @default undefined
   */
  onSignal?: (signal: Deno.Signal) => void;
}

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGTERM: 15,
  SIGBREAK: 21,
};

/**
 * Closes the given APIs (and so every Live Response session they opened) when the process gets
 * SIGINT or SIGTERM, then exits. A second signal while closing exits at once. Call it right after
 * connecting; dispose the returned handle to remove the listeners.
 *
 * @param targets What to close: a product API, a Live Response manager, a session, or a list.
 * @param options Signals, time limit, whether to exit, a callback.
 * @returns A handle whose disposal removes the signal listeners.
 *
 * @example Close every session of the API on Ctrl-C
 * ```ts
 * import assert from "node:assert/strict";
 * import { closeOnSignal } from "@cbapi/cbapi/live-response";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 *
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * using _interrupts = closeOnSignal(cb);
 * const sensor = await cb.select(Sensor, 3);
 * await using session = await sensor.lrSession({ pollIntervalMs: 5 });
 * assert.equal(emu.state.liveResponse.openSessions, 1);
 * // Ctrl-C from here on closes the session on the server before the script exits.
 * ```
 */
export function closeOnSignal(
  targets: Closable | readonly Closable[],
  options: CloseOnSignalOptions = {},
): Disposable {
  checkTimeUnits(options, "closeOnSignal()");
  const list: readonly Closable[] = Array.isArray(targets) ? targets : [targets as Closable];
  const windows = Deno.build.os === "windows";
  const signals = (options.signals ?? ["SIGINT", "SIGTERM"]).filter((s) =>
    !windows || s === "SIGINT" || s === "SIGBREAK"
  );
  const timeoutMs = options.timeoutMs ?? 10_000;
  const exit = options.exit ?? true;
  let closing = false;
  const installed: [Deno.Signal, () => void][] = [];

  const onSignal = async (signal: Deno.Signal) => {
    const status = 128 + (SIGNAL_NUMBERS[signal] ?? 0);
    if (closing) {
      if (exit) Deno.exit(status);
      return;
    }
    closing = true;
    options.onSignal?.(signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled(list.map((t) => t.close())),
      new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs)),
    ]);
    clearTimeout(timer);
    closing = false;
    if (exit) Deno.exit(status);
  };
  for (const signal of signals) {
    const listener = () => void onSignal(signal);
    Deno.addSignalListener(signal, listener);
    installed.push([signal, listener]);
  }
  return {
    [Symbol.dispose]() {
      for (const [signal, listener] of installed.splice(0)) {
        Deno.removeSignalListener(signal, listener);
      }
    },
  };
}
