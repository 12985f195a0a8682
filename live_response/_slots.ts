// A counting semaphore with FIFO waiters whose waits end on an AbortSignal (no polling).

interface Waiter {
  grant: () => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class SlotTable {
  #limit: number;
  #used = 0;
  #waiters: Waiter[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get inUse(): number {
    return this.#used;
  }

  get limit(): number {
    return this.#limit;
  }

  set limit(value: number) {
    this.#limit = value;
    this.#drain();
  }

  /** Takes a slot (waiting in line if none is free); resolves to the function that frees it. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#used < this.#limit && this.#waiters.length === 0) {
      this.#used++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          resolve(this.#releaser());
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

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used--;
      this.#drain();
    };
  }

  #drain(): void {
    while (this.#used < this.#limit && this.#waiters.length > 0) {
      const next = this.#waiters.shift()!;
      this.#used++;
      next.grant();
    }
  }
}
