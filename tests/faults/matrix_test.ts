// The fault matrix: every operation (row) under every emulator fault (column), one test step per
// cell, each against its own emulator. A cell checks what the user gets (the result after a
// safe retry, or one typed error with the status and the server's message), how many times the
// faulted request reached the server, that the emulator's state shows the write carried out
// exactly as often as it should be (nothing lost, nothing duplicated), and that no Live Response
// session stays open.

import assert from "node:assert/strict";
import { CbResponseAPI } from "@cbapi/cbapi/response";
import { ApiError, type Logger } from "@cbapi/cbapi/core";
import { CbEmulator, type FaultRule } from "@cbapi/cbapi/testing";
import { type Expectation, type Fault, FAULTS } from "./_faults.ts";
import { type Operation, OPERATIONS } from "./_operations.ts";

const FAST_LR = { sessionPollInterval: 2, commandPollInterval: 2, keepaliveInterval: 5 } as const;

function recordingLogger(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

async function connect(
  emu: CbEmulator,
  fault: Fault,
  logs: string[],
  sslCertFile?: string,
): Promise<CbResponseAPI> {
  const cert = sslCertFile ?? emu.certFile;
  const cb = await CbResponseAPI.connect({
    url: emu.url,
    token: emu.token,
    retryBaseDelayMs: 2,
    maxRetryDelayMs: 10,
    maxRetryAfterMs: 5_000,
    logger: recordingLogger(logs),
    ...(fault.timeout ? { timeout: fault.timeout } : {}),
    ...(cert ? { sslCertFile: cert } : {}),
  });
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

function assertNoToken(emu: CbEmulator, error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    assert.ok(!current.message.includes(emu.token), "the token is not in the error");
    current = current.cause;
  }
}

async function wrongCertificateCell(op: Operation, fault: Fault, expected: Expectation) {
  await using emu = await CbEmulator.start({ tls: true });
  await using other = await CbEmulator.start({ tls: true });
  const logs: string[] = [];
  const error = await connect(emu, fault, logs, other.certFile).then(
    async (cb) => {
      await cb.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  assert.ok(!expected.ok);
  assert.ok(error instanceof expected.error, `${op.name}: ${String(error)}`);
  assert.match((error as Error).message, expected.message);
  assertNoToken(emu, error);
  assert.equal(emu.requests.length, 0, "no HTTP request crossed the refused handshake");
  assert.equal(other.requests.length, 0);
}

function ruleFor(op: Operation, fault: Fault, emu: CbEmulator): FaultRule {
  const rule: FaultRule = { ...op.target, ...fault.rule };
  if (fault.redirect === "same") rule.redirect = `${emu.url}${op.location(emu)}`;
  if (fault.redirect === "other-origin") {
    rule.redirect = `http://127.0.0.2:9${op.location(emu)}`;
  }
  return rule;
}

async function cell(op: Operation, fault: Fault): Promise<void> {
  const expected = fault.expect(op.kind);
  if (fault.wrongCertificate) return await wrongCertificateCell(op, fault, expected);
  await using emu = await CbEmulator.start();
  const logs: string[] = [];
  const cb = await connect(emu, fault, logs);
  try {
    const baseline = await op.prepare?.(cb, emu);
    emu.faults.add(ruleFor(op, fault, emu));
    emu.clearRequests();
    const outcome = await op.run(cb, emu, baseline).then(
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
    } else {
      assert.ok(!outcome.ok, "the operation failed");
      const error = outcome.error;
      assert.ok(error instanceof expected.error, `expected ${expected.error.name}, got ${error}`);
      assert.ok(error instanceof ApiError, "every failure is an ApiError");
      assert.match(error.message, expected.message);
      if (expected.status !== undefined) {
        assert.equal((error as unknown as { status: number }).status, expected.status);
      }
      assertNoToken(emu, error);
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

const SPEC_TAGS: Record<string, string> = {
  "GET by id": "[spec 9,18,26,329]",
  "paging a query": "[spec 9,18,26,53,329]",
  "save() of a new object": "[spec 9,17,18,26,41,329]",
  "save() of an existing object": "[spec 9,18,26,42,329]",
  "bulk alert operation": "[spec 9,17,18,26,329]",
  "LR command": "[spec 9,17,18,26,284,329]",
  "LR job": "[spec 9,17,18,26,309,329]",
};

for (const op of OPERATIONS) {
  Deno.test(`fault matrix: ${op.name} under every emulator fault ${SPEC_TAGS[op.name]}`, async (t) => {
    for (const fault of FAULTS) {
      await t.step(fault.name, () => cell(op, fault));
    }
  });
}
