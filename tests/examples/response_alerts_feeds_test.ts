// The alert, feed, watchlist and new-binary examples of examples/response, run against a fresh
// emulator.

import assert from "node:assert/strict";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { startEmulator } from "../_helpers.ts";
import { csvLine, peTimestamp } from "../../examples/response/new_binaries_after_date.ts";
import { requestLines, runExample, tempDir } from "./_run.ts";

const RW = ["--allow-read", "--allow-write"];

/** The emulator's requests from index `from` on that are not the connect handshake. */
function workRequests(emu: CbEmulator, from = 0): string[] {
  return requestLines(emu, from).filter((l) =>
    l !== "GET /api/info" && l !== "GET /api/v1/storage/events/partition"
  );
}

Deno.test("examples/response/alert_search.ts prints a facet histogram, each alert and the process UI link [spec 76]", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/alert_search.ts", ["--facet", "status"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  assert.match(run.stdout, /^status:\n {2}Unresolved\s+3\s+42\.9% #{40}$/m);
  const net = [...emu.state.alerts.values()].find((a) => a.process_name === "net.exe")!;
  assert.ok(
    run.stdout.includes(
      `Alert with score 40: Process net.exe matched watchlist/report ${net.watchlist_name}\n` +
        `-> visit ${emu.url}/#analyze/${net.process_id}/0 to view this process in the Carbon Black UI.\n`,
    ),
  );
  assert.match(
    run.stdout,
    /^Alert with score 20: Binary 7fb55f5a62e78af9b58d08aaeeaef848 matched watchlist\/report Newly Executed Applications$/m,
  );
  const alertLines = run.stdout.split("\n").filter((l) => l.startsWith("Alert with score"));
  assert.equal(alertLines.length, emu.state.alerts.size);
  const urls = workRequests(emu);
  assert.equal(
    urls[0],
    "GET /api/v1/alert?cb.urlver=1&facet=true&facet.field=status&rows=0&start=0",
  );
  assert.equal(urls[1], "GET /api/v1/alert?cb.urlver=1&facet=false&q=&rows=500&start=0");
  assert.ok(urls.includes(`GET /api/v1/process/${net.process_id}/0`));
  // Binary alerts need no process lookup: one GET per process alert after the two searches.
  const processAlerts = [...emu.state.alerts.values()].filter((a) =>
    String(a.alert_type).includes("process")
  );
  assert.equal(urls.length, 2 + processAlerts.length);

  const json = await runExample(emu, "response/alert_search.ts", [
    "--query",
    "status:Unresolved",
    "--json",
  ]);
  assert.equal(json.code, 0, json.stderr);
  const docs = JSON.parse(json.stdout) as { status: string }[];
  assert.equal(docs.length, 3);
  assert.ok(docs.every((d) => d.status === "Unresolved"));
});

Deno.test("examples/response/alert_bulk_resolve.ts saves each unresolved alert as Resolved [spec 89, 198]", async () => {
  await using emu = await startEmulator();
  const host = "WIN-IA9NQ1GN8OI";
  const targets = [...emu.state.alerts.values()]
    .filter((a) => a.hostname === host && a.status !== "Resolved");
  assert.ok(targets.length >= 2);
  const others = [...emu.state.alerts.values()].filter((a) => a.hostname !== host)
    .map((a) => [a.unique_id, a.status] as const);
  assert.ok(others.some(([, status]) => status !== "Resolved"));
  const from = emu.requests.length;
  const run = await runExample(emu, "response/alert_bulk_resolve.ts", [
    "--query",
    `hostname:${host}`,
    "--wait",
    "0",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    targets.map((a) => `Resolved ${a.unique_id}\n`).join("") +
      `Waiting for alert changes to take effect...\nComplete. Resolved ${targets.length} alerts.\n`,
  );
  const reqs = emu.requests.slice(from).filter((r) =>
    !r.url.startsWith("/api/info") && !r.url.includes("partition")
  );
  assert.equal(
    reqs[0]!.url,
    `/api/v1/alert?cb.urlver=1&facet=false&q=-status%3AResolved+hostname%3A${host}&rows=500&start=0`,
  );
  const posts = reqs.filter((r) => r.method === "POST");
  assert.deepEqual(posts.map((r) => r.url), targets.map((a) => `/api/v1/alert/${a.unique_id}`));
  for (const post of posts) {
    const body = JSON.parse(post.body);
    assert.equal(body.status, "Resolved");
    assert.equal(`/api/v1/alert/${body.unique_id}`, post.url);
  }
  for (const a of targets) assert.equal(emu.state.alerts.get(a.unique_id)!.status, "Resolved");
  for (const [id, status] of others) assert.equal(emu.state.alerts.get(id)!.status, status);

  const again = await runExample(emu, "response/alert_bulk_resolve.ts", [
    "--query",
    `hostname:${host}`,
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, "Congratulations! You have no unresolved alerts!\n");
  const bad = await runExample(emu, "response/alert_bulk_resolve.ts", ["--wait", "soon"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --wait takes a number of seconds, not "soon"\n\nUsage: /);
});

Deno.test("examples/response/alert_bulk_resolve.ts --bulk resolves every match with one POST /api/v1/alerts [spec 92]", async () => {
  await using emu = await startEmulator();
  const open = [...emu.state.alerts.values()].filter((a) => a.status !== "Resolved");
  const from = emu.requests.length;
  const run = await runExample(emu, "response/alert_bulk_resolve.ts", ["--bulk", "--wait", "0"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Complete\\. Resolved ${open.length} alerts\\.\\n$`));
  const posts = emu.requests.slice(from).filter((r) => r.method === "POST");
  assert.equal(posts.length, 1);
  assert.equal(posts[0]!.url, "/api/v1/alerts");
  const body = JSON.parse(posts[0]!.body);
  assert.equal(body.requested_status, "Resolved");
  assert.deepEqual([...body.alert_ids].sort(), open.map((a) => a.unique_id).sort());
  assert.ok([...emu.state.alerts.values()].every((a) => a.status === "Resolved"));
});

Deno.test("examples/response/feed_operations.ts lists, adds and deletes feeds, never printing secrets [spec 319]", async () => {
  await using emu = await startEmulator();
  const list = await runExample(emu, "response/feed_operations.ts", ["list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.startsWith(`${"id".padEnd(20)}: 7\n${"category".padEnd(20)}: Internal\n`));
  assert.ok(list.stdout.includes(`${"enabled".padEnd(20)}: False\n`));
  assert.ok(list.stdout.includes(`${"use_proxy".padEnd(20)}: None\n`));
  assert.deepEqual(workRequests(emu), ["GET /api/v1/feed"]);

  // A URL already configured: a warning, no POST, unless --force.
  const dup = await runExample(emu, "response/feed_operations.ts", [
    "add",
    "-u",
    "https://intel.soc.example.com/cb/feed.json",
  ]);
  assert.equal(dup.code, 1);
  assert.match(
    dup.stdout,
    /^Warning: Feeds already configured for this url: https:\/\/intel\.soc\.example\.com\/cb\/feed\.json:\nid {18}: 7\n/,
  );
  assert.ok(!emu.requests.some((r) => r.method === "POST"));

  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/client.crt`, "CERT");
  await Deno.writeTextFile(`${dir.path}/client.key`, "KEY");
  const url = "https://feeds.example.com/hunt.json";
  const add = await runExample(emu, "response/feed_operations.ts", [
    "add",
    "-u",
    url,
    "-e",
    "-v",
    "--username",
    "hunter",
    "--password",
    "s3cret-pw",
    "--cert",
    `${dir.path}/client.crt`,
    "--key",
    `${dir.path}/client.key`,
  ]);
  assert.equal(add.code, 0, add.stderr);
  const [, id] = add.stdout.match(/^Added feed\. New feed ID is (\d+)\n$/)!;
  const post = emu.requests.find((r) => r.method === "POST")!;
  assert.equal(post.url, "/api/v1/feed");
  assert.deepEqual(JSON.parse(post.body), {
    feed_url: url,
    enabled: true,
    username: "hunter",
    password: "s3cret-pw",
    ssl_client_crt: "CERT",
    ssl_client_key: "KEY",
    validate_server_cert: true,
  });
  const created = emu.state.feeds.get(Number(id))!;
  assert.equal(created.feed_url, url);
  assert.equal(created.enabled, true);

  const listed = await runExample(emu, "response/feed_operations.ts", ["list"]);
  assert.ok(
    listed.stdout.includes(
      `${"username".padEnd(20)}: hunter\n${"password".padEnd(20)}: [redacted]\n`,
    ),
  );
  assert.ok(listed.stdout.includes(`${"ssl_client_key".padEnd(20)}: [redacted]\n`));
  assert.ok(!listed.stdout.includes("s3cret-pw") && !listed.stdout.includes("KEY\n"));
  const json = await runExample(emu, "response/feed_operations.ts", ["list", "--json"]);
  const docs = JSON.parse(json.stdout) as { id: number; password: string | null }[];
  assert.equal(docs.find((d) => d.id === Number(id))!.password, "[redacted]");

  const unreachable = await runExample(emu, "response/feed_operations.ts", [
    "add",
    "-u",
    "https://feeds.invalid/x.json",
  ]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stdout, /^Could not add feed:\n Received error code 500 from server\./);

  const byName = await runExample(emu, "response/feed_operations.ts", ["delete", "-f", "SOC"]);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byName.stdout, "Deleted feed id 7 with name SOC\n");
  assert.equal(requestLines(emu).at(-1), "DELETE /api/v1/feed/7");
  assert.equal(emu.state.feeds.has(7), false);
  const byId = await runExample(emu, "response/feed_operations.ts", ["delete", "-i", id!]);
  assert.equal(byId.code, 0, byId.stderr);
  assert.equal(emu.state.feeds.has(Number(id)), false);
  const missing = await runExample(emu, "response/feed_operations.ts", ["delete", "-i", "999"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /^Could not find Feed with ID of 999: /);
  const usage = await runExample(emu, "response/feed_operations.ts", ["delete"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /delete needs one of --id or --feedname/);
});

Deno.test("examples/response/watchlist_operations.ts lists, adds, lists actions of and deletes watchlists [spec 189, 319]", async () => {
  await using emu = await startEmulator();
  const list = await runExample(emu, "response/watchlist_operations.ts", ["list"]);
  assert.equal(list.code, 0, list.stderr);
  for (const w of emu.state.watchlists.values()) {
    assert.ok(list.stdout.includes(`${"name".padStart(20)}: ${w.name}\n`), w.name);
  }

  const actions = await runExample(emu, "response/watchlist_operations.ts", [
    "list-actions",
    "-N",
    "Non-System Filemods to system32",
  ]);
  assert.equal(actions.code, 0, actions.stderr);
  assert.equal(
    actions.stdout,
    "Actions in Watchlist Non-System Filemods to system32:\n" +
      '  - alert: {"email_recipients":[]}\n' +
      '  - email: {"email_recipients":[1]}\n',
  );
  assert.equal(requestLines(emu).at(-1), "GET /api/v1/watchlist/6/action");
  const byId = await runExample(emu, "response/watchlist_operations.ts", [
    "list-actions",
    "-i",
    "1",
  ]);
  assert.match(byId.stdout, /^Actions in Watchlist USB drive usage:\n {2}- http_post: /);

  const from = emu.requests.length;
  const add = await runExample(emu, "response/watchlist_operations.ts", [
    "add",
    "-N",
    "Notepad runs",
    "-q",
    "process_name:notepad.exe",
    "-t",
    "events",
  ]);
  assert.equal(add.code, 0, add.stderr);
  const [, id] = add.stdout.match(/^Added watchlist\. New watchlist ID is (\d+)\n$/)!;
  const post = emu.requests.slice(from).find((r) => r.method === "POST")!;
  assert.equal(post.url, "/api/v1/watchlist");
  assert.deepEqual(JSON.parse(post.body), {
    name: "Notepad runs",
    index_type: "events",
    search_query: "cb.urlver=1&q=process_name%3Anotepad.exe",
  });
  const created = emu.state.watchlists.get(id!)!;
  assert.equal(created.search_query, "cb.urlver=1&q=process_name%3Anotepad.exe");
  assert.equal(created.index_type, "events");

  const badType = await runExample(emu, "response/watchlist_operations.ts", [
    "add",
    "-N",
    "x",
    "-q",
    "a:b",
    "-t",
    "processes",
  ]);
  assert.equal(badType.code, 1);
  assert.match(badType.stdout, /^Could not add watchlist: .*index_type/);

  await runExample(emu, "response/watchlist_operations.ts", [
    "add",
    "-N",
    "Notepad runs",
    "-q",
    "x:y",
    "-t",
    "events",
  ]);
  const refused = await runExample(emu, "response/watchlist_operations.ts", [
    "delete",
    "-N",
    "Notepad runs",
  ]);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stdout,
    "2 watchlists match name Notepad runs and --force not specified. No action taken.\n",
  );
  const forced = await runExample(emu, "response/watchlist_operations.ts", [
    "delete",
    "-N",
    "Notepad runs",
    "--force",
  ]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(
    forced.stdout.split("\n").filter((l) => l.startsWith("Deleted watchlist id")).length,
    2,
  );
  assert.ok(![...emu.state.watchlists.values()].some((w) => w.name === "Notepad runs"));
  const byIdDelete = await runExample(emu, "response/watchlist_operations.ts", [
    "delete",
    "-i",
    "5",
  ]);
  assert.equal(byIdDelete.stdout, "Deleted watchlist id 5 with name Newly Executed Applications\n");
  assert.equal(requestLines(emu).at(-1), "DELETE /api/v1/watchlist/5");
  assert.equal(emu.state.watchlists.has("5"), false);
});

Deno.test("examples/response/watchlist_exporter.ts writes the shareable JSON, by name or asking on stdin [spec 188]", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const file = `${dir.path}/export.json`;
  const run = await runExample(emu, "response/watchlist_exporter.ts", [
    "-f",
    file,
    "-w",
    "Non-System Filemods to system32,newly loaded dlls",
    "-a",
    "SOC",
    "-d",
    "Hunts",
  ], { allow: RW });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "-> Done exporting! <-\n");
  assert.deepEqual(workRequests(emu), ["GET /api/v1/watchlist"]);
  const doc = JSON.parse(await Deno.readTextFile(file));
  assert.equal(doc.Author, "SOC");
  assert.equal(doc.ExportDescription, "Hunts");
  assert.match(doc.ExportDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(doc.Watchlists, [
    {
      Name: "newly loaded dlls",
      URL: "cb.urlver=1&q=is_executable_image%3Afalse",
      Type: "modules",
      SearchString: "is_executable_image:false",
      Description: "Please fill in if you intend to share this.",
    },
    {
      Name: "Non-System Filemods to system32",
      URL: emu.state.watchlists.get("6")!.search_query,
      Type: "events",
      SearchString: "-path:c:\\windows\\* filemod:c:\\windows\\system32\\*",
      Description: "Please fill in if you intend to share this.",
    },
  ]);

  // -m asks for each one: y, n, a wrong answer then Enter (yes), and the end of input (no).
  const asked = await runExample(emu, "response/watchlist_exporter.ts", ["-m", "--json"], {
    stdin: "y\nn\nmaybe\n\n",
  });
  assert.equal(asked.code, 0, asked.stderr);
  const names = [...emu.state.watchlists.values()].map((w) => w.name);
  assert.ok(asked.stdout.startsWith(
    `Export watchlist ${names[0]}? y/n: y\nExport watchlist ${names[1]}? y/n: n\n` +
      `Export watchlist ${names[2]}? y/n: maybe\nPlease enter y or n.\n` +
      `Export watchlist ${names[2]}? y/n: \nExport watchlist ${names[3]}? y/n: \n`,
  ));
  const exported = JSON.parse(asked.stdout.slice(asked.stdout.indexOf("{")));
  assert.deepEqual(exported.Watchlists.map((w: { Name: string }) => w.Name), [names[0], names[2]]);
  assert.equal(exported.Author, "Fill in author");
  const missing = await runExample(emu, "response/watchlist_exporter.ts", []);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /required: --file/);
});

Deno.test("examples/response/watchlist_importer.ts creates the exported watchlists on another server [spec 189]", async () => {
  await using source = await startEmulator();
  await using target = await startEmulator();
  await using dir = await tempDir();
  const file = `${dir.path}/export.json`;
  const exported = await runExample(source, "response/watchlist_exporter.ts", [
    "-f",
    file,
    "-w",
    "USB drive usage,Non-System Filemods to system32",
    "-a",
    "SOC",
    "-d",
    "Hunts",
  ], { allow: RW });
  assert.equal(exported.code, 0, exported.stderr);
  const before = target.state.watchlists.size;
  const run = await runExample(target, "response/watchlist_importer.ts", ["-f", file]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines[0], "Importing Hunts from SOC...");
  assert.match(lines[1]!, /^-> Watchlist USB drive usage added \[id=\d+\]$/);
  assert.match(lines[2]!, /^-> Watchlist Non-System Filemods to system32 added \[id=\d+\]$/);
  assert.equal(lines[3], "-> Done importing! <-");
  assert.equal(target.state.watchlists.size, before + 2);
  const posts = target.requests.filter((r) => r.method === "POST");
  assert.deepEqual(posts.map((r) => r.url), ["/api/v1/watchlist", "/api/v1/watchlist"]);
  assert.deepEqual(JSON.parse(posts[1]!.body), {
    name: "Non-System Filemods to system32",
    search_query:
      "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A%20filemod%3Ac%3A%5Cwindows%5Csystem32%5C%2A",
    index_type: "events",
  });
  const id = lines[2]!.match(/id=(\d+)/)![1]!;
  assert.equal(target.state.watchlists.get(id)!.name, "Non-System Filemods to system32");

  // -w and -m pick which ones; the server's refusal is reported per watchlist.
  const doc = JSON.parse(await Deno.readTextFile(file));
  doc.Watchlists.push({ Name: "Broken", SearchString: "a:b", Type: "processes" });
  await Deno.writeTextFile(file, JSON.stringify(doc));
  const picked = await runExample(target, "response/watchlist_importer.ts", [
    "-f",
    file,
    "-m",
    "-w",
    "USB drive usage,Broken",
  ], { stdin: "n\ny\n" });
  assert.equal(picked.code, 1);
  assert.match(
    picked.stdout,
    /^Importing Hunts from SOC\.\.\.\nImport watchlist USB drive usage\? y\/n: n\nImport watchlist Broken\? y\/n: y\n-> Watchlist Broken not added: .*index_type.*\n-> Done importing! <-\n$/,
  );
  assert.equal(target.state.watchlists.size, before + 2);
  await Deno.writeTextFile(file, "not json");
  const bad = await runExample(target, "response/watchlist_importer.ts", ["-f", file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /is not JSON/);
});

Deno.test("examples/response/new_binaries_after_date.ts reports the binaries that processes wrote since a date [spec 114, 141, 142]", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const out = `${dir.path}/new.csv`;
  const run = await runExample(emu, "response/new_binaries_after_date.ts", [
    "-d",
    "2015-01-01",
    "-q",
    "filemod_count:[1 TO *]",
    "-f",
    out,
  ], { allow: RW });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "", "no progress output when stderr is not a terminal");
  const csv = (await Deno.readTextFile(out)).split("\r\n");
  assert.equal(
    csv[0],
    "Binary MD5,Binary Link,Signature Status,Company,Observed Date,Host Count,Binary TimeStamp,Number of Executions",
  );
  const rows = csv.slice(1, -1).map((l) => l.split(","));
  assert.ok(rows.length >= 1);
  assert.match(
    run.stdout,
    new RegExp(`^Performing Query\\.\\.\\.\\nWrote ${rows.length} binaries to `),
  );
  const urls = workRequests(emu);
  assert.equal(
    urls[0],
    "GET /api/v1/process?cb.urlver=1&facet=false&q=filemod_count%3A%5B1+TO+%2A%5D+last_update%3A%5B2015-01-01T00%3A00%3A00+TO+%2A%5D&rows=100&sort=last_update+desc&start=0",
  );
  assert.ok(urls.some((u) => /^GET \/api\/v\d\/process\/[0-9a-f-]+\/\d+\/event$/.test(u)));
  for (const [md5, link, signed, , , hosts, , runs] of rows) {
    const record = emu.state.binaries.get(md5!)!;
    assert.ok(record, md5);
    assert.equal(link, `${emu.url}/#binary/${md5}`);
    assert.equal(
      signed,
      record.doc.digsig_result === "Signed" ? "Signed" : record.doc.digsig_result || "UNSIGNED",
    );
    assert.equal(Number(hosts), record.doc.host_count);
    assert.ok(urls.includes(`GET /api/v1/binary/${md5}/summary`));
    assert.ok(urls.includes(`GET /api/v1/binary/${md5}`));
    assert.equal(
      Number(runs),
      [...emu.state.processes.values()].filter((p) => p.md5.toUpperCase() === md5).length,
    );
  }

  const json = await runExample(emu, "response/new_binaries_after_date.ts", [
    "-d",
    "2015-01-01",
    "-q",
    "filemod_count:[1 TO *]",
    "--json",
  ]);
  assert.equal(json.code, 0, json.stderr);
  const docs = JSON.parse(json.stdout) as Record<string, unknown>[];
  assert.deepEqual(docs.map((d) => d["Binary MD5"]), rows.map((r) => r[0]));

  // The Python query by default; a missing or malformed date is a usage error.
  const from = emu.requests.length;
  const plain = await runExample(emu, "response/new_binaries_after_date.ts", [
    "-d",
    "2030-01-01",
    "-f",
    out,
  ], {
    allow: RW,
  });
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(
    workRequests(emu, from)[0]!.includes(
      "q=filewrite_md5%3A%2A+last_update%3A%5B2030-01-01T00%3A00%3A00+TO+%2A%5D",
    ),
  );
  const noDate = await runExample(emu, "response/new_binaries_after_date.ts", ["-d", "1/2/2017"]);
  assert.equal(noDate.code, 2);
  assert.match(noDate.stderr, /^error: give the date with -d YYYY-MM-DD/);
});

Deno.test("new_binaries_after_date.ts reads the PE link time and writes CSV like Python's csv module", () => {
  const head = new Uint8Array(0x100);
  head.set([0x4d, 0x5a]);
  const view = new DataView(head.buffer);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x00004550, true);
  view.setUint32(0x88, 1500000000, true);
  assert.equal(peTimestamp(head), "Fri Jul 14 02:40:00 2017");
  view.setUint32(0x88, 0, true);
  assert.equal(peTimestamp(head), "Thu Jan  1 00:00:00 1970");
  view.setUint32(0x80, 0, true);
  assert.equal(peTimestamp(head), undefined, "no PE signature");
  assert.equal(peTimestamp(new Uint8Array([0x7f, 0x45, 0x4c, 0x46])), undefined);
  assert.equal(csvLine(["a,b", 'say "hi"', 3, undefined]), '"a,b","say ""hi""",3,\r\n');
});
