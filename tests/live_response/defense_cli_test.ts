import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { NO_SYS, runScript } from "../_child.ts";

Deno.test("examples/defense/cblr_cli.ts drives a Defense device through stdin and closes its session [spec 320]", async () => {
  await using emu = await CbEmulator.start();
  const { code, stdout: out, stderr } = await runScript(
    new URL("../../examples/defense/cblr_cli.ts", import.meta.url),
    ["--cburl", emu.url, "--apitoken", emu.defenseToken, "--poll", "2"],
    { allow: NO_SYS, input: "connect WIN-IA9NQ1GN8OI\npwd\ncat c:\\test.txt\nps\nexit\n" },
  );
  assert.equal(stderr, "");
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
