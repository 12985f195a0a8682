import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";

Deno.test("examples/defense/cblr_cli.ts drives a Defense device through stdin and closes its session [spec 320]", async () => {
  await using emu = await CbEmulator.start();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      new URL("../../examples/defense/cblr_cli.ts", import.meta.url).pathname,
      "--cburl",
      emu.url,
      "--apitoken",
      emu.defenseToken,
      "--poll",
      "2",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode("connect WIN-IA9NQ1GN8OI\npwd\ncat c:\\test.txt\nps\nexit\n"),
  );
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(new TextDecoder().decode(stderr), "");
  assert.equal(code, 0, out);
  assert.match(out, /^Session: \d+\n {2}Available Drives: /);
  assert.ok(out.includes("this is a test"), out);
  assert.ok(
    emu.requests.some((r) =>
      r.method === "POST" && r.path === "/integrationServices/v3/cblr/session/12"
    ),
  );
  assert.equal(emu.state.liveResponse.openSessions, 0, "the shell closed its session");
});
