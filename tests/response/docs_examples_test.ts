// The Cb Response walkthrough of the cbapi 1.3.6 documentation ("Cb Response API Examples" and
// "Queries"), step by step against the emulator: each step does what the docs' snippet does and
// checks what the docs show (requests, bodies, results).

import assert from "node:assert/strict";
import { ServerError } from "@cbapi/cbapi/core";
import {
  Alert,
  BannedHash,
  Binary,
  Feed,
  Process,
  Sensor,
  SensorGroup,
  User,
  Watchlist,
} from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const NET = String.raw`cmdline:\\test\blah`;

Deno.test("the documentation's Cb Response examples, in order [spec 142,195,168,169,110,36,79,80,87,188,191,187,201,93,92,104,105,76,202,173,160]", async (t) => {
  // The documentation's objects alone: its recorded "yesterday" (2017-05-21) must find only the
  // seven segments of its cmd.exe, not the hunting data's recent cmd.exe runs.
  await using f = await responseFixture({ isolationDelayMs: 20, huntingData: false });
  const { cb, emu } = f;

  await t.step("Download a binary and read its first two bytes", async () => {
    const binary = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
    const reader = (await binary.file()).getReader();
    const { value } = await reader.read();
    await reader.cancel();
    assert.equal(new TextDecoder().decode(value!.subarray(0, 2)), "MZ");
    assert.equal(binary.original_filename, "notepad.exe");
  });

  await t.step("Ban that binary; banning it again is a ServerError", async () => {
    const binary = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
    const n = emu.requests.length;
    const bh = cb.create(BannedHash);
    bh.md5hash = binary.md5;
    bh.text = "Banned from API";
    bh.enabled = true;
    await bh.save();
    assert.deepEqual(requestsSince(emu, n), [
      "POST /api/v1/banning/blacklist",
      "GET /api/v1/banning/blacklist/7FB55F5A62E78AF9B58D08AAEEAEF848",
    ]);
    const again = cb.create(BannedHash, { md5hash: binary.md5, text: "twice", enabled: true });
    await assert.rejects(again.save(), ServerError);
  });

  await t.step("Isolate the sensor of host HOSTNAME, then release it", async () => {
    const sensor = (await cb.select(Sensor).where("hostname:HOSTNAME").first())!;
    const n = emu.requests.length;
    assert.equal(await sensor.isolate({ pollIntervalMs: 5, timeoutMs: 5_000 }), true);
    const sent = requestsSince(emu, n);
    assert.equal(sent[0], "PUT /api/v1/sensor/4");
    assert.ok(sent.slice(1).every((r) => r === "GET /api/v1/sensor/4"));
    assert.equal(await sensor.unisolate({ pollIntervalMs: 5, timeoutMs: 5_000 }), true);
  });

  await t.step(
    "Walk the parents of the net.exe share mounts; the second walk is free",
    async () => {
      const query = cb.select(Process).where("process_name:net.exe").and(NET).groupBy("id");
      const chain: string[] = [];
      for await (const proc of query) {
        chain.push(proc.cmdline ?? "");
        await proc.walkParents((p, depth) =>
          void chain.push(`${" ".repeat(depth + 1)}${p.cmdline}`)
        );
      }
      assert.equal(chain[0], String.raw`net  use y: \\test\blah`);
      assert.equal(chain[8], String.raw`        c:\windows\system32\ntoskrnl.exe`);
      const n = emu.requests.length;
      for await (const proc of query) await proc.walkParents(() => {});
      assert.equal(requestsSince(emu, n).length, 1, "only the search");
    },
  );

  await t.step(
    "min_last_update returns every segment; group_by('id') one row per process",
    async () => {
      const yesterday = "2017-05-21T18:41:58Z";
      const segments = await cb.select(Process).where("process_name:cmd.exe").minLastUpdate(
        yesterday,
      ).toArray();
      assert.equal(segments.length, 7);
      assert.equal(new Set(segments.map((p) => p.id)).size, 1);
      const grouped = await cb.select(Process).where("process_name:cmd.exe").minLastUpdate(
        yesterday,
      ).groupBy("id")
        .toArray();
      assert.deepEqual(grouped.map((p) => p.id), ["00000001-0000-0e48-01d2-c2a397f4cfe0"]);
      assert.match(
        emu.requests.at(-1)!.url,
        /^\/api\/v1\/process\?cb\.group=id&cb\.min_last_update=2017-05-21T18%3A41%3A58Z&/,
      );
    },
  );

  await t.step(
    "Create a watchlist from the query, read its query back, search it, disable it",
    async () => {
      const query = cb.select(Process).where("process_name:net.exe").and(NET);
      const n = emu.requests.length;
      const created = await query.createWatchlist("[WARN] Attempts to mount internal share");
      const post = emu.requests[n]!;
      assert.equal(post.path, "/api/v1/watchlist");
      const body = JSON.parse(post.body);
      assert.equal(body.index_type, "events");
      assert.equal(
        body.search_query,
        "cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&sort=last_update+desc",
      );
      assert.match(requestsSince(emu, n)[1]!, /^GET \/api\/v1\/watchlist\/\d+$/);
      const mine = await cb.select(Watchlist).where("name:[WARN] Attempts to mount internal share")
        .one();
      assert.equal(mine.uniqueId, created.uniqueId);
      assert.equal(mine.query, String.raw`process_name:net.exe cmdline:\\test\blah`);
      assert.equal(await mine.search().count(), 2);
      mine.enabled = false;
      await mine.save();
      assert.equal(emu.requests.at(-2)!.method, "PUT");
      assert.equal(emu.state.watchlists.get(String(mine.uniqueId))!.enabled, false);
    },
  );

  await t.step(
    "Mark the SOC feed's FUZZYWOMBAT reports ignored; resolve alerts in bulk",
    async () => {
      const feed = await cb.select(Feed).where("name:SOC").one();
      const n = emu.requests.length;
      await feed.reports().where("title:FUZZYWOMBAT").setIgnored();
      const post = emu.requests.slice(n).find((r) => r.method === "POST")!;
      assert.equal(post.path, "/api/v1/threat_report");
      assert.deepEqual(JSON.parse(post.body).updates, { is_ignored: true });
      const unresolved = await cb.select(Alert).where("status:Unresolved").count();
      assert.ok(unresolved > 0);
      await cb.select(Alert).where("status:Unresolved").changeStatus("Resolved");
      assert.equal(await cb.select(Alert).where("status:Unresolved").count(), 0);
    },
  );

  await t.step(
    "Join process, sensor, sensor group and binary, with no repeated request",
    async () => {
      const query = cb.select(Process).where("process_name:net.exe").and(NET).groupBy("id");
      const lines: string[] = [];
      for await (const proc of query) {
        const sensor = (await proc.sensor())!;
        const binary = (await proc.binary())!;
        lines.push(
          `On host ${sensor.hostname} (part of sensor group ${(await sensor.group())!.name}):`,
        );
        if (binary.signed) lines.push(`- Signed by ${binary.digsig_publisher}`);
      }
      assert.deepEqual(lines.slice(0, 2), [
        "On host WIN-IA9NQ1GN8OI (part of sensor group Default Group):",
        "- Signed by Microsoft Corporation",
      ]);
    },
  );

  await t.step("Facet the host's processes by name", async () => {
    const facets = await cb.select(Process).where("hostname:WIN-IA9NQ1GN8OI").and(
      "username:bit9rad",
    )
      .facets("process_name");
    assert.equal(facets.process_name![0]!.name, "chrome.exe");
    assert.equal(facets.process_name![0]!.percent, 100);
  });

  await t.step("Create a user", async () => {
    const user = cb.create(User);
    user.username = "jgarman";
    user.password = "cbisawesome";
    user.first_name = "Jason";
    user.last_name = "Garman";
    user.email = "jgarman@carbonblack.com";
    user.teams = [];
    user.global_admin = false;
    const n = emu.requests.length;
    await user.save();
    const post = emu.requests[n]!;
    assert.equal(`${post.method} ${post.path}`, "POST /api/user");
    assert.equal(JSON.parse(post.body).username, "jgarman");
    assert.ok(!String(user).includes("cbisawesome"));
  });

  await t.step(
    "Create the 'Critical Endpoints' sensor group and move a sensor into it",
    async () => {
      const sg = cb.create(SensorGroup);
      sg.name = "Critical Endpoints";
      sg.site_id = 1;
      const n = emu.requests.length;
      await sg.save();
      assert.equal(emu.requests[n]!.body, '{"name": "Critical Endpoints", "site_id": 1}');
      assert.match(requestsSince(emu, n)[1]!, /^GET \/api\/group\/\d+$/);
      const sensor = (await cb.select(Sensor).where("hostname:WIN-IA9NQ1GN8OI").first())!;
      sensor.setGroup(sg);
      await sensor.save();
      assert.equal(emu.state.sensors.get(3)!.group_id, sg.id);
    },
  );

  await t.step("Select a binary by id and read a field", async () => {
    const binary = await cb.select(Binary, "CA4FAFFA957C71C006B59E29DFE3EB8B");
    assert.equal(binary.file_desc, "PNRP Name Space Provider");
  });
});
