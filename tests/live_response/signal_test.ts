// Issue 15 item 5: an interrupted script leaves no Live Response session open. Each test runs a
// real child process (deno run) against an emulator in this process (never a synchronous
// subprocess call: the emulator must keep answering), interrupts it, and counts the emulator's
// open sessions afterwards. Like a real server, the emulator keeps a session open until it is
// closed or times out (minutes), so a session left behind is still counted here.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { denoRun, NO_SYS, readUntil, textReader } from "../_child.ts";

function spawn(script: string, args: string[]): Deno.ChildProcess {
  return denoRun(new URL(script, import.meta.url), args, { allow: NO_SYS, stdin: "piped" })
    .spawn();
}

/** Reads stdout until `pattern` shows, then keeps draining it in the background. */
async function waitFor(
  child: Deno.ChildProcess,
  pattern: RegExp,
): Promise<{ rest: Promise<string> }> {
  const reader = textReader(child.stdout);
  let text = await readUntil(reader, pattern);
  const rest = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += value;
    }
  })();
  return { rest };
}

async function stderrOf(child: Deno.ChildProcess): Promise<string> {
  return await new Response(child.stderr).text();
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`closeOnSignal(): ${signal} to a script holding 3 sessions closes them all, then exits ${code} (issue 15 item 5)`, async () => {
    await using emu = await CbEmulator.start();
    const child = spawn("./_signal_child.ts", [emu.url, emu.token, "1", "2", "3"]);
    child.stdin.close();
    const err = stderrOf(child);
    const { rest } = await waitFor(child, /ready 3\n/);
    assert.equal(emu.state.liveResponse.openSessions, 3);
    child.kill(signal);
    const status = await child.status;
    const out = await rest;
    assert.equal(status.code, code, await err);
    assert.match(out, new RegExp(`closing on ${signal}`));
    assert.equal(emu.state.liveResponse.openSessions, 0, "every session was closed");
    assert.equal(
      emu.requests.filter((r) => r.method === "PUT" && r.body.includes('"close"')).length,
      3,
    );
  });
}

Deno.test("examples/response/cblr_cli.ts closes its session on Ctrl-C (SIGINT) (issue 15 item 5)", async () => {
  await using emu = await CbEmulator.start();
  const child = spawn("../../examples/response/cblr_cli.ts", [
    "--cburl",
    emu.url,
    "--apitoken",
    emu.token,
    "--poll",
    "2",
  ]);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("connect WIN-IA9NQ1GN8OI\n"));
  const err = stderrOf(child);
  const { rest } = await waitFor(child, /Session: \d+/);
  assert.equal(emu.state.liveResponse.openSessions, 1);
  child.kill("SIGINT");
  const status = await child.status;
  await rest;
  await writer.close().catch(() => {});
  assert.equal(status.code, 130, await err);
  assert.equal(emu.state.liveResponse.openSessions, 0, "the session was closed");
});

Deno.test("examples/defense/cblr_cli.ts closes its Defense session on SIGTERM (issue 15 item 5)", async () => {
  await using emu = await CbEmulator.start();
  const child = spawn("../../examples/defense/cblr_cli.ts", [
    "--cburl",
    emu.url,
    "--apitoken",
    emu.defenseToken,
    "--poll",
    "2",
  ]);
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("connect 12\n"));
  const err = stderrOf(child);
  const { rest } = await waitFor(child, /Session: \d+/);
  assert.equal(emu.state.liveResponse.openSessions, 1);
  child.kill("SIGTERM");
  const status = await child.status;
  await rest;
  await writer.close().catch(() => {});
  assert.equal(status.code, 143, await err);
  assert.equal(emu.state.liveResponse.openSessions, 0, "the session was closed");
});
