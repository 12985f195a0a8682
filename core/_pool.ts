// A counting semaphore for the connection's `poolBlock` option: at most N requests in flight,
// the rest wait in order (and leave the queue when their signal aborts).

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Limits how many holders run at once. */
export class Semaphore {
  #free: number;
  #waiting: Waiter[] = [];

  /**
   * Builds a semaphore.
   *
   * @param size How many may hold it at once.
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`Pool size must be a positive integer, got ${size}`);
    }
    this.#free = size;
  }

  /**
   * Waits for a place.
   *
   * @param signal Gives up waiting (rejects with its reason).
   * @returns Resolves when a place is held; call {@linkcode Semaphore.release} after.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry: Waiter = { resolve, reject };
      if (signal) {
        entry.signal = signal;
        entry.onAbort = () => {
          this.#waiting = this.#waiting.filter((w) => w !== entry);
          reject(signal.reason);
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      this.#waiting.push(entry);
    });
  }

  /** Frees a place, handing it to the next waiter. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) {
      if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
      next.resolve();
    } else {
      this.#free++;
    }
  }
}
