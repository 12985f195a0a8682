// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { registry } from "@cbapi/cbapi/events";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { main as watchlistAutomation } from "../../examples/events/watchlist_automation.ts";
import { isAutorun, toLiveResponsePath } from "../../examples/events/registry_autoruns.ts";

Deno.test("examples/events/watchlist_automation.ts bans the MD5 of each watchlist hit in the file [spec 312,315]", async () => {
  await using emu = await CbEmulator.start();
  const file = await Deno.makeTempFile();
  const log = console.log;
  const printed: string[] = [];
  console.log = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await Deno.writeTextFile(
      file,
      [
        {
          type: "watchlist.hit.process",
          docs: [{ process_md5: "11111111111111111111111111111111" }],
        },
        { type: "watchlist.hit.binary", docs: [{ md5: "22222222222222222222222222222222" }] },
      ].map((e) => JSON.stringify(e)).join("\n") + "\n",
    );
    const code = await watchlistAutomation([
      "--cburl",
      emu.url,
      "--apitoken",
      emu.token,
      "--file",
      file,
      "--max-events",
      "2",
      "--poll-interval",
      "2",
    ]);
    assert.equal(code, 0);
    const bans = emu.requests.filter((r) =>
      r.method === "POST" && r.path === "/api/v1/banning/blacklist"
    );
    assert.deepEqual(bans.map((r) => JSON.parse(r.body ?? "{}").md5hash), [
      "11111111111111111111111111111111",
      "22222222222222222222222222222222",
    ]);
    assert.ok(printed.some((l) => l.startsWith("Received event type: watchlist.hit.process")));
  } finally {
    console.log = log;
    registry.clear();
    registry.clearErrors();
    await Deno.remove(file);
  }
});

Deno.test("examples/events/registry_autoruns.ts picks autorun keys and maps them for Live Response", () => {
  const run = String.raw`\registry\machine\software\microsoft\windows\currentversion\run\evil`;
  assert.ok(isAutorun(run));
  assert.ok(
    isAutorun(
      String.raw`\registry\user\S-1-5-21-1\software\microsoft\windows\currentversion\run\x`,
    ),
  );
  assert.ok(!isAutorun(String.raw`\registry\machine\software\vendor\settings`));
  assert.equal(
    toLiveResponsePath(run),
    String.raw`HKLM\software\microsoft\windows\currentversion\run\evil`,
  );
  assert.equal(
    toLiveResponsePath(String.raw`\registry\user\S-1\software\x`),
    String.raw`HKEY_USERS\S-1\software\x`,
  );
});
