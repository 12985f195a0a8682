import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";

async function runCli(
  emu: CbEmulator,
  script: string,
): Promise<{ code: number; out: string; err: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      new URL("../../examples/response/cblr_cli.ts", import.meta.url).pathname,
      "--cburl",
      emu.url,
      "--apitoken",
      emu.token,
      "--poll",
      "2",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
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
