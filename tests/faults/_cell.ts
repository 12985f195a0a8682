// One cell of the fault matrix: an operation (row) under an emulator fault (column), against its
// own emulator. A cell checks what the user gets (the result after a safe retry, or one typed
// error with the status and the server's message), how many times the faulted request reached
// the server, that the emulator's state shows the write carried out exactly as often as it
// should be (nothing lost, nothing duplicated), that no Live Response session stays open, and
// that no API token shows in the error, its cause chain or the client's log.

import assert from "node:assert/strict";
import { CbResponseAPI } from "@cbapi/cbapi/response";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { CbProtectionAPI } from "@cbapi/cbapi/protection";
import { ApiError, type BaseAPI, type Logger } from "@cbapi/cbapi/core";
import { CbEmulator, type FaultRule } from "@cbapi/cbapi/testing";
import type { Expectation, Fault } from "./_faults.ts";
import type { Operation, Product } from "./_operations.ts";

/** The two transports of the one request path. */
export type Transport = "fetch" | "node";

/** Both transports, for the matrices. */
export const TRANSPORTS: readonly Transport[] = ["fetch", "node"];

const FAST_LR = {
  sessionPollIntervalMs: 2,
  commandPollIntervalMs: 2,
  keepaliveIntervalMs: 5,
} as const;

function recordingLogger(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

async function connect(
  product: Product,
  emu: CbEmulator,
  fault: Fault,
  logs: string[],
  sslCertFile?: string,
): Promise<BaseAPI> {
  const cert = sslCertFile ?? emu.certFile;
  const options = {
    url: emu.url,
    token: product === "defense" ? emu.defenseToken : emu.token,
    retryBaseDelayMs: 2,
    maxRetryDelayMs: 10,
    maxRetryAfterMs: 5_000,
    logger: recordingLogger(logs),
    ...(fault.timeoutMs ? { timeoutMs: fault.timeoutMs } : {}),
    ...(cert ? { sslCertFile: cert } : {}),
  };
  if (product === "protection") return await CbProtectionAPI.connect(options);
  const cb = product === "defense"
    ? await CbDefenseAPI.connect(options)
    : await CbResponseAPI.connect(options);
  cb.liveResponse.configure(FAST_LR);
  return cb;
}

/** Waits in 2 ms steps (at most 5 s) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error("gave up waiting for the emulator");
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The secrets no message may show: both tokens and the Defense API key alone. */
function secrets(emu: CbEmulator): string[] {
  return [emu.token, emu.defenseToken, emu.defenseToken.split("/")[0]!].filter((s) => s !== "");
}

function assertNoToken(emu: CbEmulator, error: unknown, logs: string[]): void {
  const hidden = secrets(emu);
  const shown = Deno.inspect(error, { depth: 8 });
  for (const secret of hidden) {
    assert.ok(!shown.includes(secret), "the token is not in Deno.inspect(error)");
  }
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    for (const secret of hidden) {
      assert.ok(!current.message.includes(secret), "the token is not in the error");
      assert.ok(!String(current.stack).includes(secret), "the token is not in the stack");
    }
    current = current.cause;
  }
  for (const secret of hidden) {
    assert.ok(!logs.some((l) => l.includes(secret)), "the token is not in the log");
  }
}

async function wrongCertificateCell<A>(op: Operation<A>, fault: Fault, expected: Expectation) {
  await using emu = await CbEmulator.start({ tls: true });
  await using other = await CbEmulator.start({ tls: true });
  const logs: string[] = [];
  // Response and Protection read the server at connect time; Defense sends nothing until the
  // operation runs: the refusal comes from whichever request is first.
  const error = await connect(op.product ?? "response", emu, fault, logs, other.certFile).then(
    async (cb) => {
      try {
        const baseline = await op.prepare?.(cb as A, emu);
        await op.run(cb as A, emu, baseline);
      } finally {
        await cb.close();
      }
      return undefined;
    },
  ).catch((e: unknown) => e);
  assert.ok(!expected.ok);
  assert.ok(error instanceof expected.error, `${op.name}: ${String(error)}`);
  assert.match((error as Error).message, expected.message);
  assertNoToken(emu, error, logs);
  assert.equal(emu.requests.length, 0, "no HTTP request crossed the refused handshake");
  assert.equal(other.requests.length, 0);
}

function ruleFor<A>(op: Operation<A>, fault: Fault, emu: CbEmulator): FaultRule {
  const rule: FaultRule = { ...op.target, ...fault.rule };
  if (fault.redirect === "same") rule.redirect = `${emu.url}${op.location(emu)}`;
  if (fault.redirect === "other-origin") {
    rule.redirect = `http://127.0.0.2:9${op.location(emu)}`;
  }
  return rule;
}

/**
 * Runs one cell: a fresh emulator, the row's `prepare`, the column's fault on the row's target
 * request, the row's `run`, then the checks of the column's expectation for the row's kind.
 *
 * @param op The row.
 * @param fault The column.
 * @param transport Which transport carries the requests.
 */
export async function cell<A>(
  op: Operation<A>,
  fault: Fault,
  transport: Transport = "fetch",
): Promise<void> {
  const expected = fault.expect(op.kind);
  if (fault.wrongCertificate) return await wrongCertificateCell(op, fault, expected);
  // fetch carries plain http to loopback; a pinned certificate (ssl_cert_file) is carried by the
  // node transport, so the same row runs over both.
  await using emu = await CbEmulator.start(transport === "node" ? { tls: true } : {});
  const logs: string[] = [];
  const cb = await connect(op.product ?? "response", emu, fault, logs);
  assert.equal(cb.connection.transport, transport, "the cell runs over the transport it names");
  const api = cb as A;
  try {
    const baseline = await op.prepare?.(api, emu);
    emu.faults.add(ruleFor(op, fault, emu));
    emu.clearRequests();
    const outcome = await op.run(api, emu, baseline).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const faulted = emu.requests.filter((r) => r.fault !== undefined);
    assert.equal(faulted.length, 1, "the fault hit exactly one request");
    const hit = faulted[0]!;
    const sends = emu.requests.filter((r) =>
      r.method === hit.method && r.url === hit.url && r.body === hit.body
    ).length;
    if (expected.ok) {
      if (!outcome.ok) {
        throw outcome.error;
      }
      op.check(outcome.value, baseline);
      assert.equal(sends, expected.sends, "requests with the faulted method, URL and body");
      assert.equal(op.applied(emu), op.kind === "read" ? 0 : expected.applied);
      if (expected.log) {
        assert.ok(
          logs.some((l) =>
            expected.log!.test(l)
          ),
          logs.join("\n"),
        );
      }
      assertNoToken(emu, undefined, logs);
    } else {
      assert.ok(!outcome.ok, "the operation failed");
      const error = outcome.error;
      assert.ok(error instanceof expected.error, `expected ${expected.error.name}, got ${error}`);
      assert.ok(error instanceof ApiError, "every failure is an ApiError");
      assert.match(error.message, expected.message);
      if (expected.status !== undefined) {
        assert.equal((error as unknown as { status: number }).status, expected.status);
      }
      assertNoToken(emu, error, logs);
      assert.equal(sends, expected.sends, "a write that failed was not sent again");
      if (expected.applied === "late") {
        // The client gave up; the server still holds the request. Wait for it to finish, then
        // the write is there at most once (LR commands find their session closed by then).
        await until(() => hit.status !== 0);
        assert.equal(op.applied(emu), op.lateApplied);
      } else {
        assert.equal(op.applied(emu), op.kind === "read" ? 0 : expected.applied);
      }
    }
  } finally {
    await cb.close();
  }
  assert.equal(emu.state.liveResponse.openSessions, 0, "no Live Response session left open");
}
