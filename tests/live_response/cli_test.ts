import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { NO_SYS, runScript } from "../_child.ts";

async function runCli(
  emu: CbEmulator,
  script: string,
): Promise<{ code: number; out: string; err: string }> {
  const run = await runScript(
    new URL("../../examples/response/cblr_cli.ts", import.meta.url),
    ["--cburl", emu.url, "--apitoken", emu.token, "--poll", "2"],
    { allow: NO_SYS, input: script },
  );
  return { code: run.code, out: run.stdout, err: run.stderr };
}

Deno.test("cblr_cli.ts: connect, pwd, cd, dir, cat, put, get, del, mkdir, ps, exec, kill, exit [spec 320]", async () => {
  await using emu = await CbEmulator.start();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/up.txt`, "uploaded");
    const script = [
      "connect WIN-IA9NQ1GN8OI",
      "pwd",
      "cd ..\\..\\temp",
      "pwd",
      "dir",
      "cat test.txt",
      "cat c:\\test.txt",
      `put ${dir}/up.txt up.txt`,
      `get up.txt ${dir}/down.txt`,
      "mkdir newdir",
      "del file1.txt",
      "ps -p 2144",
      'exec -w cmd.exe /c "echo from the shell"',
      "kill 2144",
      "cat nothing.txt",
      "exit",
      "pwd",
    ].join("\n") + "\n";
    const { out, err } = await runCli(emu, script);
    assert.equal(err, "");
    assert.match(out, /^Session: 1\n {2}Available Drives: A:\\ C:\\ D:\\\n/);
    assert.match(out, /\nC:\\Windows\\CarbonBlack\nC:\\temp\n/);
    assert.match(out, /Directory: C:\\temp\n/);
    assert.match(out, /<DIR>\s+dir1\n/);
    assert.match(out, /this is a test/);
    assert.match(out, /\n2144\tc:\\windows\\system32\\notepad.exe\n/);
    assert.match(out, /\nfrom the shell\n/);
    assert.match(out, /\nkilled\n/);
    assert.match(out, /Error: .*ERROR_FILE_NOT_FOUND/);
    assert.equal(await Deno.readTextFile(`${dir}/down.txt`), "uploaded");
    const lr = emu.state.liveResponse;
    assert.ok(lr.exists("response", 3, "C:\\temp\\newdir"));
    assert.ok(!lr.exists("response", 3, "C:\\temp\\file1.txt"));
    assert.ok(!lr.processIds("response", 3).includes(2144));
    assert.equal(lr.openSessions, 0, "exit closed the session");
    assert.equal(
      out.split("\n").filter((l) => l === "C:\\temp").length,
      1,
      "nothing runs after exit",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
