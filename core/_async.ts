// Async helpers written once for the whole library, with the signatures of `@std/async`
// (`delay`, `abortable`, `deadline`, the unstable `Semaphore`) so that moving to that package
// when JSR is reachable is one import line. Two additions std does not have: the semaphore's wait
// takes a signal and its size can change, and `deadlineSignal` gives the signal form of a
// deadline (an AbortSignal that fires after a time limit or when a parent signal aborts).
//
// Every helper removes the listeners and timers it adds, on every path.

/** Options of {@linkcode delay}. */
export interface DelayOptions {
  /** Aborts the wait: the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` as soon as the signal aborts
 * (std `delay`). Leaves no timer or listener behind.
 *
 * @param ms Milliseconds to wait (0 or less resolves at once).
 * @param options The abort signal.
 * @returns Resolves after the delay.
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The promise's outcome, or a rejection with `signal.reason` as soon as the signal aborts, which
 * abandons the promise (std `abortable`). A later rejection of the abandoned promise is
 * swallowed, so it never surfaces as unhandled.
 *
 * @typeParam T The promise's value.
 * @param p The promise (or a plain value).
 * @param signal Aborts the wait.
 * @returns The promise's value.
 */
export function abortable<T>(p: T | Promise<T>, signal: AbortSignal): Promise<T> {
  const promise = Promise.resolve(p);
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Options of {@linkcode deadline}. */
export interface DeadlineOptions {
  /** Aborts the wait early: the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * The promise's outcome if it settles within `ms` milliseconds, else a rejection with a
 * `DOMException` named `"TimeoutError"` (std `deadline`). The promise is abandoned, not
 * cancelled: pass the same signal to the work itself to stop it.
 *
 * @typeParam T The promise's value.
 * @param p The promise.
 * @param ms The time limit in milliseconds.
 * @param options A signal that ends the wait early.
 * @returns The promise's value.
 */
export function deadline<T>(p: Promise<T>, ms: number, options: DeadlineOptions = {}): Promise<T> {
  const limit = deadlineSignal(ms, { signal: options.signal });
  return abortable(p, limit.signal).finally(() => limit[Symbol.dispose]());
}

/** Options of {@linkcode deadlineSignal}. */
export interface DeadlineSignalOptions {
  /** A parent signal: when it aborts, so does the deadline's signal (with the parent's reason). */
  signal?: AbortSignal | undefined;
  /** The abort reason when the time runs out (default: a `DOMException` `"TimeoutError"`). */
  reason?: unknown;
}

/** A signal that aborts when a time limit runs out; disposing it stops the clock. */
export interface DeadlineSignal extends Disposable {
  /** Aborts after the time limit, or when the parent signal aborts. */
  readonly signal: AbortSignal;
  /** Whether the time limit (not the parent signal) aborted {@linkcode DeadlineSignal.signal}. */
  readonly expired: boolean;
}

/**
 * An AbortSignal that aborts `ms` milliseconds from now with `reason`, or earlier when the parent
 * signal aborts (then with the parent's reason, through `AbortSignal.any`). `ms` undefined (or
 * not finite) means no time limit. Dispose it (`using`) to stop the clock; the link to the parent
 * stays, so a body streamed after the deadline is disposed still ends when the caller aborts.
 *
 * @param ms The time limit in milliseconds, or undefined for none.
 * @param options The parent signal and the reason.
 * @returns The deadline.
 */
export function deadlineSignal(
  ms: number | undefined,
  options: DeadlineSignalOptions = {},
): DeadlineSignal {
  const clock = new AbortController();
  const reason = "reason" in options
    ? options.reason
    : new DOMException("Signal timed out.", "TimeoutError");
  const timer = ms !== undefined && Number.isFinite(ms)
    ? setTimeout(() => clock.abort(reason), Math.max(0, ms))
    : undefined;
  const parent = options.signal;
  return {
    signal: parent ? AbortSignal.any([parent, clock.signal]) : clock.signal,
    get expired() {
      return clock.signal.aborted;
    },
    [Symbol.dispose]() {
      clearTimeout(timer);
    },
  };
}

interface Waiter {
  grant: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** Options of {@linkcode Semaphore.acquire}. */
export interface AcquireOptions {
  /** Gives up waiting: the promise rejects with the signal's reason and leaves the queue. */
  signal?: AbortSignal | undefined;
}

/**
 * A counting semaphore with FIFO waiters (std's unstable `Semaphore`): `acquire()` resolves to
 * a `Disposable` permit, so `using _permit = await sem.acquire()` frees it at the end of the
 * block. Added to std's shape: the wait takes a signal, and `max` can change (a larger value
 * admits waiters at once; a smaller one lets the holders finish).
 */
export class Semaphore {
  #max: number;
  #used = 0;
  #waiters: Waiter[] = [];

  /**
   * Builds a semaphore.
   *
   * @param max How many permits may be held at once (`Infinity` for no limit).
   * @throws {RangeError} When `max` is not a positive integer or `Infinity`.
   */
  constructor(max: number = 1) {
    this.#max = checkMax(max);
  }

  /** How many permits may be held at once. */
  get max(): number {
    return this.#max;
  }

  /** Changes the number of permits; waiters are admitted when it grows. */
  set max(value: number) {
    this.#max = checkMax(value);
    this.#drain();
  }

  /** How many permits are held now. */
  get inUse(): number {
    return this.#used;
  }

  /**
   * Waits for a permit, in arrival order.
   *
   * @param options A signal that gives up waiting.
   * @returns The permit: dispose it (or call {@linkcode Semaphore.release}) once.
   */
  acquire(options: AcquireOptions = {}): Promise<Disposable> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#used < this.#max && this.#waiters.length === 0) {
      this.#used++;
      return Promise.resolve(this.#permit());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          resolve(this.#permit());
        },
        onAbort: () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /**
   * Takes a permit if one is free and nobody is waiting.
   *
   * @returns The permit, or undefined.
   */
  tryAcquire(): Disposable | undefined {
    if (this.#used >= this.#max || this.#waiters.length > 0) return undefined;
    this.#used++;
    return this.#permit();
  }

  /** Frees one permit, handing it to the next waiter. */
  release(): void {
    if (this.#used > 0) this.#used--;
    this.#drain();
  }

  #permit(): Disposable {
    let released = false;
    return {
      [Symbol.dispose]: () => {
        if (released) return;
        released = true;
        this.release();
      },
    };
  }

  #drain(): void {
    while (this.#used < this.#max && this.#waiters.length > 0) {
      const next = this.#waiters.shift()!;
      this.#used++;
      next.grant();
    }
  }
}

function checkMax(max: number): number {
  if (max !== Infinity && (!Number.isInteger(max) || max < 1)) {
    throw new RangeError(`Semaphore size must be a positive integer, got ${max}`);
  }
  return max;
}
