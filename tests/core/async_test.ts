import assert from "node:assert/strict";
import { abortable, deadline, deadlineSignal, delay, Semaphore } from "../../core/_async.ts";

// Time in these tests is a few milliseconds; the sanitizers check that no timer or listener is
// left behind on any path.

Deno.test("delay() resolves after the time and rejects with the signal's reason", async (t) => {
  await t.step("resolves after at least ms", async () => {
    const t0 = performance.now();
    await delay(15);
    assert.ok(performance.now() - t0 >= 14);
  });
  await t.step("0 or less resolves at once", async () => {
    await delay(0);
    await delay(-5);
  });
  await t.step(
    "an abort during the wait rejects with the reason and clears the timer",
    async () => {
      const c = new AbortController();
      const reason = new Error("stop");
      const p = delay(10_000, { signal: c.signal });
      c.abort(reason);
      await assert.rejects(p, (e) => e === reason);
    },
  );
  await t.step("an already aborted signal rejects without waiting", async () => {
    const reason = new Error("before");
    await assert.rejects(delay(10_000, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  });
});

Deno.test("abortable() gives the value, or the reason as soon as the signal aborts", async () => {
  const c = new AbortController();
  assert.equal(await abortable(Promise.resolve(7), c.signal), 7);
  await assert.rejects(abortable(Promise.reject(new RangeError("x")), c.signal), RangeError);
  let fail!: (e: unknown) => void;
  const never = new Promise<number>((_, reject) => (fail = reject));
  const p = abortable(never, c.signal);
  const reason = new Error("gone");
  c.abort(reason);
  await assert.rejects(p, (e) => e === reason);
  fail(new Error("late failure of the abandoned promise is swallowed"));
  await assert.rejects(abortable(Promise.resolve(1), c.signal), (e) => e === reason);
});

Deno.test("deadline() rejects with a TimeoutError DOMException when the promise is too slow", async () => {
  assert.equal(await deadline(Promise.resolve("fast"), 1_000), "fast");
  let done!: () => void;
  const slow = new Promise<void>((r) => (done = r));
  await assert.rejects(
    deadline(slow, 5),
    (e) => e instanceof DOMException && e.name === "TimeoutError",
  );
  done();
  const c = new AbortController();
  const reason = new Error("caller");
  const p = deadline(new Promise(() => {}), 10_000, { signal: c.signal });
  c.abort(reason);
  await assert.rejects(p, (e) => e === reason);
});

Deno.test("deadlineSignal() aborts with its reason after the limit, or with the parent's", async (t) => {
  await t.step("expires with the given reason", async () => {
    const reason = Symbol("deadline");
    using limit = deadlineSignal(5, { reason });
    await new Promise((r) => limit.signal.addEventListener("abort", r, { once: true }));
    assert.equal(limit.signal.reason, reason);
    assert.equal(limit.expired, true);
  });
  await t.step("the parent's abort wins before the limit, and is not an expiry", () => {
    const parent = new AbortController();
    using limit = deadlineSignal(10_000, { signal: parent.signal });
    const reason = new Error("parent");
    parent.abort(reason);
    assert.equal(limit.signal.reason, reason);
    assert.equal(limit.expired, false);
  });
  await t.step("disposing stops the clock but keeps the parent link", async () => {
    const parent = new AbortController();
    const limit = deadlineSignal(5, { signal: parent.signal });
    limit[Symbol.dispose]();
    await delay(15);
    assert.equal(limit.signal.aborted, false, "no expiry after dispose");
    parent.abort("later");
    assert.equal(limit.signal.reason, "later");
  });
  await t.step("undefined means no time limit", async () => {
    using limit = deadlineSignal(undefined);
    await delay(5);
    assert.equal(limit.signal.aborted, false);
  });
});

Deno.test("Semaphore hands out Disposable permits in arrival order", async () => {
  const sem = new Semaphore(2);
  const order: string[] = [];
  async function hold(name: string, ms: number) {
    using _permit = await sem.acquire();
    order.push(`+${name}`);
    assert.ok(sem.inUse <= 2);
    await delay(ms);
    order.push(`-${name}`);
  }
  await Promise.all([hold("a", 10), hold("b", 20), hold("c", 1), hold("d", 1)]);
  assert.deepEqual(order.slice(0, 2), ["+a", "+b"]);
  assert.equal(order.indexOf("+c") > order.indexOf("-a"), true, "c waits for a place");
  assert.equal(order.indexOf("+d") > order.indexOf("+c"), true, "FIFO");
  assert.equal(sem.inUse, 0);
});

Deno.test("Semaphore permit disposes once; tryAcquire; max validated and adjustable", async () => {
  const sem = new Semaphore();
  assert.equal(sem.max, 1, "a mutex by default, like std");
  const permit = sem.tryAcquire();
  assert.ok(permit);
  assert.equal(sem.tryAcquire(), undefined);
  permit[Symbol.dispose]();
  permit[Symbol.dispose]();
  assert.equal(sem.inUse, 0, "a second dispose frees nothing more");
  const a = await sem.acquire();
  const waiting = sem.acquire();
  sem.max = 2;
  const b = await waiting;
  assert.equal(sem.inUse, 2, "raising max admits the waiter at once");
  a[Symbol.dispose]();
  b[Symbol.dispose]();
  assert.throws(() => new Semaphore(0), RangeError);
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.equal(new Semaphore(Infinity).max, Infinity);
});

Deno.test("Semaphore wait ends when its signal aborts and leaves the queue", async () => {
  const sem = new Semaphore(1);
  const held = await sem.acquire();
  const c = new AbortController();
  const gaveUp = sem.acquire({ signal: c.signal });
  const next = sem.acquire();
  const reason = new Error("no longer needed");
  c.abort(reason);
  await assert.rejects(gaveUp, (e) => e === reason);
  held[Symbol.dispose]();
  using _p = await next; // the aborted waiter did not take the place
  assert.equal(sem.inUse, 1);
  await assert.rejects(sem.acquire({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
});
