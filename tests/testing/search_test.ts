import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { call, qs } from "./_helpers.ts";

Deno.test("[spec 322] process search: the documentation's net.exe query, paging and sort", async (t) => {
  await using emu = await startEmulator();
  await t.step("the exact URL the Python client sends", async () => {
    const res = await call(
      emu,
      "/api/v1/process?cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&rows=100&sort=last_update+desc&start=0",
    );
    assert.equal(res.status, 200);
    assert.equal(res.json.total_results, 2);
    assert.deepEqual(res.json.results.map((r: { cmdline: string }) => r.cmdline), [
      "net  use y: \\\\test\\blah",
      "net  use z: \\\\test\\blah",
    ]);
    const row = res.json.results[0];
    assert.equal(row.start, "2016-11-11T20:59:31.631Z");
    assert.equal(row.username, "WIN-IA9NQ1GN8OI\\bit9rad");
    assert.equal(row.hostname, "WIN-IA9NQ1GN8OI");
    assert.equal(row.sensor_id, 3);
    assert.equal(row.parent_id, "00000003-0000-036c-01d2-2efd3af51186");
    assert.equal(row.parent_unique_id, "00000003-0000-036c-01d2-2efd3af51186-00000001");
    assert.equal(row.parent_md5, "0".repeat(32));
    assert.equal(row.id.length, 36);
    assert.equal(row.unique_id, `${row.id}-00000001`);
    for (
      const k of [
        "results",
        "total_results",
        "start",
        "facets",
        "terms",
        "highlights",
        "elapsed",
        "comprehensive_search",
        "all_segments",
        "tagged_pids",
        "incomplete_results",
        "filtered",
      ]
    ) assert.ok(k in res.json, k);
  });
  await t.step("rows=0 counts; start/rows page; sort asc reverses", async () => {
    const count = await call(
      emu,
      `/api/v1/process?${qs({ q: "process_name:cmd.exe", rows: 0, start: 0 })}`,
    );
    assert.equal(count.json.total_results, 10);
    assert.deepEqual(count.json.results, []);
    const pages = [];
    for (let start = 0; start < 10; start += 4) {
      const page = await call(
        emu,
        `/api/v1/process?${
          qs({ q: "process_name:cmd.exe", rows: 4, start, sort: "last_update desc" })
        }`,
      );
      assert.equal(page.json.start, start);
      pages.push(...page.json.results);
    }
    assert.equal(pages.length, 10);
    const times = pages.map((r) => r.last_update);
    assert.deepEqual(times, [...times].sort().reverse());
    const asc = await call(
      emu,
      `/api/v1/process?${qs({ q: "process_name:cmd.exe", rows: 100, sort: "last_update asc" })}`,
    );
    assert.deepEqual(
      asc.json.results.map((r: { last_update: string }) => r.last_update),
      [...times].reverse(),
    );
  });
  await t.step("the Python client's extras are accepted", async () => {
    const res = await call(
      emu,
      `/api/v1/process?${
        qs({
          "cb.legacy_5x_mode": "True",
          "cb.urlver": 1,
          comprehensive_search: "true",
          q: "",
          rows: 500,
          sort: "start asc",
          start: 0,
        })
      }`,
    );
    assert.equal(res.status, 200);
    assert.ok(res.json.total_results > 50);
  });
});

Deno.test("[spec 322] process search: cb.group=id and the time filters", async () => {
  await using emu = await startEmulator();
  const base = {
    q: "process_name:cmd.exe",
    "cb.urlver": 1,
    facet: "false",
    rows: 100,
    start: 0,
    sort: "last_update desc",
  };
  const recent = await call(
    emu,
    `/api/v1/process?${qs({ ...base, "cb.min_last_update": "2017-05-21T18:41:58Z" })}`,
  );
  assert.deepEqual(recent.json.results.map((r: { segment_id: number }) => r.segment_id), [
    1495465643405,
    1495465407157,
    1495463680155,
    1495463807694,
    1495463543944,
    1495463176570,
    1495463243492,
  ]);
  assert.ok(
    recent.json.results.every((r: { id: string }) =>
      r.id === "00000001-0000-0e48-01d2-c2a397f4cfe0"
    ),
  );
  const grouped = await call(
    emu,
    `/api/v1/process?${
      qs({ ...base, "cb.group": "id", "cb.min_last_update": "2017-05-21T18:41:58Z" })
    }`,
  );
  assert.equal(grouped.json.total_results, 1);
  assert.equal(grouped.json.results[0].segment_id, 1495465643405);
  const all = await call(emu, `/api/v1/process?${qs({ ...base, "cb.group": "id" })}`);
  assert.equal(all.json.total_results, 4);
  const old = await call(
    emu,
    `/api/v1/process?${qs({ ...base, "cb.max_last_update": "2017-01-01T00:00:00Z" })}`,
  );
  assert.equal(old.json.total_results, 3);
  const server = await call(
    emu,
    `/api/v1/process?${
      qs({
        ...base,
        "cb.min_last_server_update": "2017-05-22T15:04:00Z",
        "cb.max_last_server_update": "2017-05-22T15:06:00Z",
      })
    }`,
  );
  assert.equal(server.json.total_results, 1);
  const bad = await call(
    emu,
    `/api/v1/process?${qs({ ...base, "cb.min_last_update": "yesterday" })}`,
  );
  assert.equal(bad.status, 400);
});

Deno.test("[spec 322] process search: facets in the Solr style", async () => {
  await using emu = await startEmulator();
  const res = await call(
    emu,
    "/api/v1/process?cb.urlver=1&facet=true&facet.field=process_name&facet.field=username&q=hostname%3AWIN-IA9NQ1GN8OI+username%3Abit9rad&rows=0&start=0",
  );
  const names = res.json.facets.process_name;
  assert.equal(res.json.total_results, 42);
  assert.deepEqual(names[0], { name: "chrome.exe", value: 12, ratio: "28.6", percent: 100 });
  assert.deepEqual(names[1], {
    name: "thumbnailextractionhost.exe",
    value: 8,
    ratio: "19.0",
    percent: 67,
  });
  assert.deepEqual(res.json.facets.username, [
    { name: "WIN-IA9NQ1GN8OI\\bit9rad", value: 42, ratio: "100.0", percent: 100 },
  ]);
});

Deno.test("[spec 322] query language: wildcards, booleans, ranges, negation, phrases", async () => {
  await using emu = await startEmulator();
  async function total(q: string): Promise<number> {
    const res = await call(emu, `/api/v1/process?${qs({ q, rows: 0 })}`);
    assert.equal(res.status, 200, `${q}: ${res.text}`);
    return res.json.total_results;
  }
  assert.equal(await total("process_name:cmd.exe (filemod:*.exe or filemod:*.dll"), 7);
  assert.equal(await total("process_name:cmd.exe (filemod:*.exe OR filemod:*.dll)"), 7);
  assert.equal(await total("process_name:CMD.EXE AND hostname:win-ia9nq1gn8oi"), 2);
  assert.equal(await total("process_name:cmd.exe -hostname:WIN-IA9NQ1GN8OI"), 8);
  assert.equal(await total("process_name:cmd.exe NOT sensor_id:1"), 3);
  assert.equal(await total("process_name:net.exe or process_name:ping.exe"), 6);
  assert.equal(await total("process_name:n?t.exe"), 2);
  assert.equal(await total('cmdline:"use y:"'), 1);
  assert.equal(await total("cmdline:\\\\test\\blah"), 2);
  assert.equal(await total("username:bit9rad process_name:explorer.exe"), 1);
  assert.equal(await total("sensor_id:[2 TO 3] process_name:cmd.exe"), 3);
  assert.equal(await total("start:[* TO 2016-10-25T14:08:24Z]"), 5);
  assert.equal(await total("start:[2017-05-01 TO *] process_name:cmd.exe"), 7);
  assert.equal(await total("netconn_count:[1 TO *] process_name:cmd.exe"), 6);
  assert.equal(await total("domain:fileserver.corp.local"), 4);
  assert.equal(await total("ipaddr:8.8.8.8 process_name:cmd.exe"), 4);
  assert.equal(await total("regmod:*\\run\\updater"), 4);
  assert.equal(await total("md5:bf93a2f9901e9b3dfca8a7982f4a9868"), 10);
  assert.equal(await total("process_id:00000003-0000-036c-01d2-2efd3af51186"), 1);
  assert.equal(await total("childproc_name:net.exe"), 1);
  assert.equal(await total("no_such_field:x"), 0);
  assert.equal(await total("net.exe"), 2);
  const bad = await call(emu, `/api/v1/process?${qs({ q: 'cmdline:"unterminated' })}`);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /SyntaxError/);
  assert.equal((await call(emu, `/api/v1/process?${qs({ q: "a:[1 TO" })}`)).status, 400);
  assert.equal((await call(emu, `/api/v1/process?${qs({ q: "a AND" })}`)).status, 400);
  assert.equal((await call(emu, `/api/v1/process?${qs({ q: "x", rows: "ten" })}`)).status, 400);
});

Deno.test("[spec 322] binary search: queries, counts and rows shaped like the recorded row", async () => {
  await using emu = await startEmulator();
  const count = await call(emu, "/api/v1/binary?cb.urlver=1&facet=false&q=&rows=0&start=0");
  assert.equal(count.json.total_results, emu.state.binaries.size);
  assert.deepEqual(Object.keys(count.json).sort(), [
    "elapsed",
    "facets",
    "highlights",
    "results",
    "start",
    "terms",
    "total_results",
  ]);
  const unsigned = await call(
    emu,
    `/api/v1/binary?${qs({ q: "digsig_result:Unsigned", rows: 100 })}`,
  );
  assert.ok(unsigned.json.total_results >= 2);
  const row = (await call(
    emu,
    `/api/v1/binary?${qs({ q: "md5:c7f5cae0b450be875eee0e6ddfa771fe", rows: 1 })}`,
  ))
    .json.results[0];
  assert.equal(row.md5, "C7F5CAE0B450BE875EEE0E6DDFA771FE");
  assert.equal(row.orig_mod_len, 50688);
  assert.deepEqual(row.endpoint, ["WIN7-HYPERV-2|1"]);
  assert.equal(row.digsig_result_code, "0");
  const byHost = await call(
    emu,
    `/api/v1/binary?${qs({ q: "hostname:WIN-IA9NQ1GN8OI is_executable_image:true", rows: 0 })}`,
  );
  assert.ok(byHost.json.total_results > 5);
  const pnrp = await call(
    emu,
    `/api/v1/binary?${qs({ q: 'file_desc:"PNRP Name Space Provider"', rows: 5 })}`,
  );
  assert.equal(pnrp.json.results[0].md5, "CA4FAFFA957C71C006B59E29DFE3EB8B");
  const sorted = await call(
    emu,
    `/api/v1/binary?${qs({ q: "", rows: 3, sort: "orig_mod_len desc" })}`,
  );
  assert.equal(sorted.json.results[0].md5, "C7F5CAE0B450BE875EEE0E6DDFA771FE");
});
