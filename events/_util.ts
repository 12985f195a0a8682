// Small helpers of the events module: an abortable sleep that leaves no timer behind.

/**
 * Waits `ms` milliseconds, or until the signal aborts (then resolves early, no error: callers
 * check the signal themselves).
 *
 * @param ms Milliseconds.
 * @param signal Ends the wait early.
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The error text of any thrown value.
 *
 * @param err The value.
 * @returns Its message.
 */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
