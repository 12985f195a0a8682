import assert from "node:assert/strict";
import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import {
  csvHeader,
  csvLine,
  DEFAULT_CONCURRENCY,
  fieldQuery,
  filterSuffix,
  iocProgram,
  parseDefinitions,
  programQueries,
  pythonDateTime,
  queryProgram,
  survey,
  SurveyDefinitionError,
  type SurveyProgram,
  type SurveyRow,
} from "@cbapi/cbapi/survey";
import type { Io } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import type { ProcessRecord } from "../../testing/state.ts";

const NOW = "2026-03-02T10:00:00Z";
const BUNDLED = ["remote_admin", "scripting_hosts", "file_transfer"];

function captureIo(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    ask: () => Promise.resolve(undefined),
    out: (l) => void stdout.push(l),
    err: (l) => void stderr.push(l),
  };
}

async function bundled(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`../../cli/definitions/${name}.json`, import.meta.url));
}

function processQueriesSent(emu: CbEmulator): string[] {
  return emu.requests.filter((r) => r.path === "/api/v1/process")
    .map((r) => new URLSearchParams(r.query).get("q") ?? "");
}

Deno.test("the query of each field shape: quoting, OR joins, the query field", () => {
  assert.equal(fieldQuery("process_name", ["psexec.exe"]), "(process_name:psexec.exe)");
  assert.equal(
    fieldQuery("process_name", ["a.exe", "b.exe", "c.exe"]),
    "(process_name:a.exe OR process_name:b.exe OR process_name:c.exe)",
  );
  assert.equal(
    fieldQuery("cmdline", ["certutil -urlcache", "bitsadmin"]),
    '(cmdline:"certutil -urlcache" OR cmdline:bitsadmin)',
  );
  assert.equal(fieldQuery("domain", ["evil.example"]), "(domain:evil.example)");
  assert.equal(
    fieldQuery("md5", ["0123456789abcdef0123456789abcdef"]),
    "(md5:0123456789abcdef0123456789abcdef)",
  );
  assert.equal(
    fieldQuery("query", ["process_name:a.exe cmdline:x"]),
    "(process_name:a.exe cmdline:x)",
  );
  assert.equal(
    fieldQuery("query", ["process_name:a.exe", 'cmdline:"b c"', "d"]),
    '((process_name:a.exe) OR (cmdline:"b c") OR (d))',
  );
});

Deno.test("the filters appended to every query, in order", () => {
  assert.equal(filterSuffix({}), "");
  assert.equal(filterSuffix({ days: 1 }), " start:-1440m");
  assert.equal(filterSuffix({ days: 7 }), " start:-10080m");
  assert.equal(filterSuffix({ minutes: 90 }), " start:-90m");
  assert.equal(filterSuffix({ hostname: "WIN-2K8R2-DC" }), " hostname:WIN-2K8R2-DC");
  assert.equal(filterSuffix({ username: "jsmith" }), " username:jsmith");
  assert.equal(filterSuffix({ sensorGroups: ["Servers"] }), ' (group:"Servers")');
  assert.equal(
    filterSuffix({ sensorGroups: ["Default Group", "Servers"] }),
    ' (group:"Default Group" OR group:"Servers")',
  );
  assert.equal(
    filterSuffix({ days: 2, hostname: "h", username: "u", sensorGroups: ["G"] }),
    ' start:-2880m hostname:h username:u (group:"G")',
  );
  const [p] = parseDefinitions(
    JSON.stringify({ X: { process_name: ["a.exe", "b c.exe"], query: ["q1", "q2"] } }),
    "defs/x.json",
  );
  assert.deepEqual(programQueries(p!, { days: 3, username: "ann" }), [
    ["process_name", '(process_name:a.exe OR process_name:"b c.exe") start:-4320m username:ann'],
    ["query", "((q1) OR (q2)) start:-4320m username:ann"],
  ]);
});

Deno.test("cbapi survey sends exactly one query per field with the filters appended", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using dir = await tempDir();
  const io = captureIo();
  const code = await main([
    "survey",
    "--deffile",
    "file_transfer",
    "--days",
    "2",
    "--hostname",
    "WIN-IA9NQ1GN8OI",
    "--username",
    "svc_backup",
    "--sensor-group",
    "Default Group",
    "--sensor-group",
    "Servers",
    "--cburl",
    emu.url,
    "--apitoken",
    emu.token,
    "--output",
    `${dir.path}/out.csv`,
  ], io);
  assert.equal(code, 0, io.stderr.join("\n"));
  const f =
    ' start:-2880m hostname:WIN-IA9NQ1GN8OI username:svc_backup (group:"Default Group" OR group:"Servers")';
  assert.deepEqual(
    processQueriesSent(emu).sort(),
    [
      `(process_name:rclone.exe)${f}`,
      `(domain:transfer.example.org)${f}`,
      `(process_name:winscp.exe)${f}`,
      `(process_name:pscp.exe OR process_name:psftp.exe)${f}`,
      `(process_name:bitsadmin.exe)${f}`,
      `(cmdline:/transfer)${f}`,
      `(cmdline:"certutil -urlcache" OR cmdline:"certutil.exe -urlcache")${f}`,
    ].sort(),
  );
  // The rows are those the emulator's data implies for the filters (not what the client says).
  const lines = (await Deno.readTextFile(`${dir.path}/out.csv`)).split("\r\n").slice(1, -1);
  const programs = parseDefinitions(await bundled("file_transfer"), "file_transfer.json");
  const expected = [...expectedRows(emu, 2).entries()]
    .filter(([program]) => programs.some((p) => p.name === program))
    .flatMap(([, rows]) => [...rows])
    .filter((r) => r.startsWith("win-ia9nq1gn8oi|corp\\svc_backup|"));
  assert.equal(lines.length, expected.length);
  for (const l of lines) assert.match(l, /^win-ia9nq1gn8oi,corp\\svc_backup,/);
});

/** What a program of the shipped definitions finds, decided from the emulator's records. */
const EXPECTED_MATCH: Record<string, (p: ProcessRecord, domains: string[]) => boolean> = {
  "PsExec": (p) => ["psexec.exe", "psexec64.exe", "psexesvc.exe"].includes(p.name),
  "AnyDesk": (p, d) =>
    p.name === "anydesk.exe" ||
    d.some((x) => ["relay-3f2a.net.anydesk.com", "boot.net.anydesk.com"].includes(x)),
  "TeamViewer": (p) =>
    ["teamviewer.exe", "teamviewer_service.exe", "tv_w32.exe", "tv_x64.exe"].includes(p.name),
  "ScreenConnect": (p) =>
    ["screenconnect.clientservice.exe", "screenconnect.windowsclient.exe"].includes(p.name),
  "Remote shell via PsExec": (p) =>
    p.parentName === "psexesvc.exe" ||
    (p.name === "whoami.exe" && p.cmdline.toLowerCase().includes('"domain, admins"')),
  "PowerShell": (p) => ["powershell.exe", "powershell_ise.exe", "pwsh.exe"].includes(p.name),
  "Encoded PowerShell": (p) =>
    p.name === "powershell.exe" && p.cmdline.toLowerCase().split(/\s+/).includes("-enc"),
  "Windows Script Host": (p) =>
    ["wscript.exe", "cscript.exe"].includes(p.name) ||
    p.cmdline.toLowerCase().includes("invoice.js"),
  "MSHTA": (p, d) => p.name === "mshta.exe" || d.includes("update.example.net"),
  "Rclone": (p, d) => p.name === "rclone.exe" || d.includes("transfer.example.org"),
  "WinSCP": (p) => p.name === "winscp.exe",
  "PuTTY SCP": (p) => ["pscp.exe", "psftp.exe"].includes(p.name),
  "BITSAdmin transfer": (p) =>
    p.name === "bitsadmin.exe" || /(^|[\s/])transfer(\s|$)/.test(p.cmdline.toLowerCase()),
  "Certutil download": (p) => /certutil(\.exe)? -urlcache/.test(p.cmdline.toLowerCase()),
};

function expectedRows(emu: CbEmulator, days: number): Map<string, Set<string>> {
  const since = emu.now().getTime() - days * 86_400_000;
  const out = new Map<string, Set<string>>();
  for (const [program, match] of Object.entries(EXPECTED_MATCH)) {
    const rows = new Set<string>();
    for (const p of emu.state.processes.values()) {
      if (Date.parse(p.start) < since) continue;
      const domains = p.segments.flatMap((s) => s.events.netconns.map((n) => n.domain));
      if (!match(p, domains)) continue;
      const host = String(emu.state.sensors.get(p.sensorId)!.computer_name).toLowerCase();
      rows.add(
        [host, p.username.toLowerCase(), p.path, p.cmdline, p.start.replace(/Z$/, "")].join("|"),
      );
    }
    out.set(program, rows);
  }
  return out;
}

function rowText(r: SurveyRow): string {
  return [r.endpoint, r.username, r.processPath, r.cmdline, r.processStart!.toISOString()]
    .join("|").replace(/Z$/, "");
}

Deno.test("a survey of the shipped definitions finds the rows the emulator's data implies", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const programs: SurveyProgram[] = [];
  for (const name of BUNDLED) {
    programs.push(...parseDefinitions(await bundled(name), `${name}.json`));
  }
  assert.deepEqual(programs.map((p) => p.name).sort(), Object.keys(EXPECTED_MATCH).sort());
  for (const days of [1, 7, 30]) {
    const expected = expectedRows(emu, days);
    const got = new Map<string, Set<string>>(
      programs.map((p): [string, Set<string>] => [p.name, new Set<string>()]),
    );
    const order: string[] = [];
    for await (const row of survey(cb, programs, { days })) {
      got.get(row.program)!.add(rowText(row));
      if (order.at(-1) !== row.program) order.push(row.program);
      assert.equal(row.source, programs.find((p) => p.name === row.program)!.source);
      assert.equal(row.processGuid, undefined);
    }
    for (const [program, rows] of expected) {
      assert.deepEqual([...got.get(program)!].sort(), [...rows].sort(), `${program}, ${days} days`);
    }
    // Rows come out in program order.
    assert.deepEqual(order, programs.map((p) => p.name).filter((n) => got.get(n)!.size > 0));
    if (days === 1) {
      assert.ok([...expected.values()].some((s) => s.size === 0), "the day filter matters");
    }
  }
  const week = [...expectedRows(emu, 7).values()].reduce((n, s) => n + s.size, 0);
  const month = [...expectedRows(emu, 30).values()].reduce((n, s) => n + s.size, 0);
  assert.ok(week > 10 && month > week, `${week} rows in a week, ${month} in 30 days`);
});

Deno.test("rows are unique by lower-cased host and user, path, command line and start", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  // Two fields finding the same processes, and long-running processes with two segments.
  const programs = parseDefinitions(
    JSON.stringify({
      Twice: { process_name: ["anydesk.exe"], cmdline: ["--control"] },
      Users: { query: ["username:jsmith"] },
    }),
    "t.json",
  );
  const rows = [];
  for await (const r of survey(cb, programs)) rows.push(r);
  const twice = rows.filter((r) => r.program === "Twice");
  const anydesk = [...emu.state.processes.values()].filter((p) => p.name === "anydesk.exe");
  assert.equal(twice.length, anydesk.length);
  assert.ok(anydesk.every((p) => p.segments.length === 2));
  const users = rows.filter((r) => r.program === "Users");
  assert.ok(users.every((r) => r.username === "corp\\jsmith"));
  const spellings = new Set(
    [...emu.state.processes.values()].filter((p) => /jsmith/i.test(p.username))
      .map((p) => p.username),
  );
  assert.deepEqual([...spellings].sort(), ["CORP\\JSmith", "corp\\jsmith"]);
  assert.ok(rows.every((r) => r.endpoint === r.endpoint.toLowerCase()));
});

Deno.test("--limit stops each field's search once the program holds N rows; a later field adds one", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const programs = parseDefinitions(
    JSON.stringify({ P: { process_name: ["powershell.exe"], cmdline: ["logon.vbs"] } }),
    "p.json",
  );
  const rows = [];
  for await (const r of survey(cb, programs, { limit: 2 })) rows.push(r);
  assert.deepEqual(rows.map((r) => r.processPath.split("\\").pop()), [
    "powershell.exe",
    "powershell.exe",
    "cscript.exe",
  ]);
  const all = [];
  for await (const r of survey(cb, programs)) all.push(r);
  const ps = [...emu.state.processes.values()].filter((p) => p.name === "powershell.exe").length;
  const cs = [...emu.state.processes.values()].filter((p) => p.name === "cscript.exe").length;
  assert.equal(all.length, ps + cs);
  await assert.rejects(async () => {
    for await (const _ of survey(cb, programs, { limit: 0 })) { /* nothing */ }
  }, RangeError);
});

Deno.test("Process Start is written as Python prints a naive datetime", () => {
  assert.equal(pythonDateTime(new Date("2017-01-11T17:13:42.589Z")), "2017-01-11 17:13:42.589000");
  assert.equal(pythonDateTime(new Date("2017-01-11T17:13:42.000Z")), "2017-01-11 17:13:42");
  assert.equal(pythonDateTime(new Date("2017-01-11T17:13:42.005Z")), "2017-01-11 17:13:42.005000");
  assert.equal(pythonDateTime(undefined), "");
});

Deno.test("the CSV is written as Python's csv writes it: minimal quoting, CRLF, 7 or 8 fields", () => {
  assert.equal(
    csvHeader(),
    "endpoint,username,process_path,cmdline,program,source,Process Start,Process GUID\r\n",
  );
  const row: SurveyRow = {
    endpoint: "ws1",
    username: "corp\\ann",
    processPath: "c:\\windows\\system32\\whoami.exe",
    cmdline: 'whoami.exe /fo csv /groups "domain, admins"',
    program: "Remote shell, PsExec",
    source: "remote_admin",
    processStart: new Date("2017-01-11T17:13:42.589Z"),
  };
  // The expected bytes are Python 3's csv.writer(f).writerow([...]) output.
  assert.equal(
    csvLine(row),
    'ws1,corp\\ann,c:\\windows\\system32\\whoami.exe,"whoami.exe /fo csv /groups ""domain, admins""","Remote shell, PsExec",remote_admin,2017-01-11 17:13:42.589000\r\n',
  );
  assert.equal(
    csvLine({ ...row, cmdline: 'ps -Command "a\nb"', program: "P", processGuid: "g-1" }),
    'ws1,corp\\ann,c:\\windows\\system32\\whoami.exe,"ps -Command ""a\nb""",P,remote_admin,2017-01-11 17:13:42.589000,g-1\r\n',
  );
  assert.equal(
    csvLine({ ...row, cmdline: "a\rb", program: "", processStart: undefined }),
    'ws1,corp\\ann,c:\\windows\\system32\\whoami.exe,"a\rb",,remote_admin,\r\n',
  );
});

Deno.test("cbapi survey writes byte-stable CSV whatever the concurrency", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using dir = await tempDir();
  const run = async (out: string, concurrency: string) => {
    const io = captureIo();
    const args = ["survey", "--cburl", emu.url, "--apitoken", emu.token, "--days", "30"];
    for (const b of BUNDLED) args.push("--deffile", b);
    const code = await main([...args, "--output", out, "--concurrency", concurrency], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    assert.match(io.stdout.at(-1)!, new RegExp(`^Wrote \\d+ rows of 14 programs to ${out} in `));
    return await Deno.readFile(out);
  };
  const one = await run(`${dir.path}/one.csv`, "1");
  const eight = await run(`${dir.path}/eight.csv`, "8");
  assert.deepEqual(one, eight);
  const text = new TextDecoder().decode(one);
  assert.ok(text.startsWith(csvHeader()));
  assert.ok(text.endsWith("\r\n"));
  // Quotes, commas and a newline inside command lines, quoted as Python does.
  assert.ok(
    text.includes(
      ',"whoami.exe /fo csv /groups ""domain, admins""",Remote shell via PsExec,remote_admin,',
    ),
  );
  assert.ok(
    text.includes(
      ',"powershell.exe -Command ""Get-Process\nGet-Service""",PowerShell,scripting_hosts,',
    ),
  );
  assert.ok(
    text.includes(
      ',"""C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe"" --control",AnyDesk,remote_admin,',
    ),
  );
  // Seven fields a row (no GUID) for definition files.
  const records = text.replace(/"[^"]*(""[^"]*)*"/g, "Q").split("\r\n").slice(1, -1);
  assert.ok(records.length > 20);
  for (const r of records) assert.equal(r.split(",").length, 7, r);
  assert.ok(
    records.some((r) => /,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r)),
    "a whole-second start",
  );
  assert.ok(records.some((r) => /,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}000$/.test(r)));
});

Deno.test("--query rows carry the GUID; --iocfile rows are named by the file; --prefix, --no-file, --json", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using dir = await tempDir();
  const conn = ["--cburl", emu.url, "--apitoken", emu.token];
  const cwd = Deno.cwd();
  Deno.chdir(dir.path);
  try {
    let io = captureIo();
    assert.equal(
      await main(["survey", ...conn, "--query", "process_name:rclone.exe", "--prefix", "ir"], io),
      0,
    );
    const q = (await Deno.readTextFile("ir-survey.csv")).split("\r\n");
    const rclone = [...emu.state.processes.values()].filter((p) => p.name === "rclone.exe");
    assert.equal(q.length, 1 + rclone.length + 1);
    for (const line of q.slice(1, -1)) {
      const f = line.split(",");
      assert.equal(f.length, 8);
      assert.equal(f[4], "process_name:rclone.exe");
      assert.equal(f[5], "query");
      assert.ok(rclone.some((p) => p.guid === f[7]), f[7]);
    }
    await Deno.writeTextFile("ips.txt", "\nbogus.example\n\n  \nupdate.example.net\n");
    io = captureIo();
    assert.equal(
      await main([
        "survey",
        ...conn,
        "--iocfile",
        "ips.txt",
        "--ioctype",
        "domain",
        "--query",
        "process_name:mshta.exe",
      ], io),
      0,
      io.stderr.join("\n"),
    );
    const sent = processQueriesSent(emu).slice(-2);
    assert.deepEqual(sent, [
      "(domain:bogus.example OR domain:update.example.net)",
      "(process_name:mshta.exe)",
    ]);
    const csv = await Deno.readTextFile("survey.csv");
    assert.match(csv, /^endpoint,/);
    io = captureIo();
    assert.equal(
      await main(["survey", ...conn, "--query", "process_name:pscp.exe", "--no-file"], io),
      0,
    );
    assert.match(io.stdout[0]!, /^endpoint +username +program +source +Process Start +cmdline$/);
    assert.equal(io.stdout.length, 2 + 1);
    assert.match(io.stderr.at(-1)!, /^Wrote 1 rows of 1 programs in /);
    io = captureIo();
    assert.equal(
      await main(["survey", ...conn, "--query", "process_name:winscp.exe", "--json"], io),
      0,
    );
    const rows = io.stdout.map((l) => JSON.parse(l));
    assert.equal(rows.length, 2);
    assert.deepEqual(Object.keys(rows[0]), [
      "endpoint",
      "username",
      "process_path",
      "cmdline",
      "program",
      "source",
      "process_start",
      "process_guid",
    ]);
  } finally {
    Deno.chdir(cwd);
  }
});

Deno.test("bad definition and IOC files: a typed error naming file, program and field, and no CSV", async (t) => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using dir = await tempDir();
  const out = `${dir.path}/out.csv`;
  const cases: [string, string, RegExp][] = [
    ["notjson.json", "{ nope", /^definition file .*notjson\.json: is not JSON \(/],
    ["array.json", "[1]", /^definition file .*array\.json: must be a JSON object of programs/],
    [
      "entry.json",
      '{"A": ["x"]}',
      /^definition file .*entry\.json, program "A": must be an object/,
    ],
    [
      "field.json",
      '{"A": {"proc_name": ["x"]}}',
      /, program "A", field "proc_name": unknown search field/,
    ],
    [
      "empty.json",
      '{"A": {"cmdline": ["x", " "]}}',
      /, program "A", field "cmdline": term 2 is empty/,
    ],
    [
      "terms.json",
      '{"A": {"cmdline": "x"}}',
      /, field "cmdline": must be a non-empty list of terms/,
    ],
  ];
  for (const [name, text, message] of cases) {
    await t.step(name, async () => {
      const path = `${dir.path}/${name}`;
      await Deno.writeTextFile(path, text);
      assert.throws(() => parseDefinitions(text, path), (err) => {
        assert.ok(err instanceof SurveyDefinitionError);
        assert.match(err.message, message);
        return true;
      });
      const io = captureIo();
      const code = await main(
        [
          "survey",
          "--cburl",
          emu.url,
          "--apitoken",
          emu.token,
          "--deffile",
          "file_transfer",
          "--deffile",
          path,
          "--output",
          out,
        ],
        io,
      );
      assert.equal(code, 2);
      assert.match(io.stderr.join("\n"), /^cbapi survey: SurveyDefinitionError: definition file /);
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    });
  }
  await t.step("IOC files", async () => {
    assert.deepEqual(iocProgram("\n10.0.0.1\n\n 10.0.0.2 \n", "i.txt", "ipaddr").fields, [[
      "ipaddr",
      ["10.0.0.1", "10.0.0.2"],
    ]]);
    assert.throws(
      () => iocProgram("10.0.0.1\nnot an ip\n", "i.txt", "ipaddr"),
      /program "i.txt", field "ipaddr": line 2 \("not an ip"\) is not an IPv4 address/,
    );
    assert.throws(() => iocProgram("\n\n", "i.txt", "md5"), /holds no IOC/);
    assert.throws(() => queryProgram(" "), SurveyDefinitionError);
    await Deno.writeTextFile(`${dir.path}/bad.txt`, "abc\n");
    const io = captureIo();
    const code = await main(
      [
        "survey",
        "--cburl",
        emu.url,
        "--apitoken",
        emu.token,
        "--iocfile",
        `${dir.path}/bad.txt`,
        "--ioctype",
        "md5",
        "--output",
        out,
      ],
      io,
    );
    assert.equal(code, 2);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  });
  await t.step("--defdir reads every .json under it, recursively", async () => {
    const d = `${dir.path}/defs`;
    await Deno.mkdir(`${d}/sub/deeper`, { recursive: true });
    await Deno.writeTextFile(`${d}/a.json`, '{"A": {"process_name": ["winscp.exe"]}}');
    await Deno.writeTextFile(`${d}/sub/deeper/b.json`, '{"B": {"process_name": ["pscp.exe"]}}');
    await Deno.writeTextFile(`${d}/sub/notes.txt`, "not a definition");
    const io = captureIo();
    const code = await main([
      "survey",
      "--cburl",
      emu.url,
      "--apitoken",
      emu.token,
      "--defdir",
      d,
      "--output",
      out,
    ], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    const lines = (await Deno.readTextFile(out)).split("\r\n").slice(1, -1);
    assert.deepEqual([...new Set(lines.map((l) => l.split(",").slice(4, 6).join(",")))], [
      "A,a",
      "B,b",
    ]);
  });
  await t.step("usage errors", async () => {
    for (
      const args of [[], ["--days", "1", "--minutes", "5", "--query", "x"], [
        "--query",
        "x",
        "--concurrency",
        "0",
      ], ["--iocfile", "x"]]
    ) {
      const io = captureIo();
      assert.equal(await main(["survey", ...args], io), 2, args.join(" "));
    }
  });
});

Deno.test("a search the server refuses stops the survey with an error naming program and query; earlier rows are kept", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using dir = await tempDir();
  const path = `${dir.path}/defs.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      Rclone: { process_name: ["rclone.exe"] },
      Broken: { cmdline: ['"unterminated'] },
    }),
  );
  const io = captureIo();
  const out = `${dir.path}/out.csv`;
  const code = await main(
    ["survey", "--cburl", emu.url, "--apitoken", emu.token, "--deffile", path, "--output", out],
    io,
  );
  assert.equal(code, 1);
  assert.match(
    io.stderr[0]!,
    /^cbapi survey: SurveyQueryError: survey program "Broken" \(defs\) query \(cmdline:"unterminated\): ServerError: Received error code 400 /,
  );
  assert.match(
    io.stderr[1]!,
    /^cbapi survey: stopped after an error; wrote \d+ rows of 2 programs to /,
  );
  const rclone = [...emu.state.processes.values()].filter((p) => p.name === "rclone.exe");
  const lines = (await Deno.readTextFile(out)).split("\r\n").slice(1, -1);
  assert.equal(lines.length, rclone.length);
  assert.ok(lines.every((l) => l.includes(",Rclone,defs,")));
});

Deno.test("progress: definitions done / total and rows on a terminal, nothing otherwise", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using dir = await tempDir();
  const { surveyCommand } = await import("../../cli/survey.ts");
  const args = ["--cburl", emu.url, "--apitoken", emu.token, "--output", `${dir.path}/o.csv`];
  for (const b of BUNDLED) args.push("--deffile", b);
  for (const [progress, extra] of [[true, []], [true, ["--no-progress"]], [false, []]] as const) {
    const texts: string[] = [];
    const io = captureIo();
    const code = await surveyCommand([...args, ...extra], io, {
      progress,
      progressWrite: (t) => void texts.push(t),
    });
    assert.equal(code, 0);
    const rows = Number(/^Wrote (\d+) rows/.exec(io.stdout.at(-1)!)![1]);
    if (progress && extra.length === 0) {
      assert.match(texts.at(-2)!, new RegExp(`^\\rsurvey: 14/14 definitions, ${rows} rows $`));
      assert.equal(texts.at(-1), "\n");
    } else {
      assert.deepEqual(texts, []);
    }
  }
});

Deno.test("stopping a survey (Ctrl-C) writes the rows found so far and exits 130", async () => {
  await using emu = await CbEmulator.start({ now: NOW, latencyMs: 40 });
  await using dir = await tempDir();
  const out = `${dir.path}/out.csv`;
  const { surveyCommand } = await import("../../cli/survey.ts");
  const stop = new AbortController();
  const io = captureIo();
  const args = ["--cburl", emu.url, "--apitoken", emu.token, "--output", out, "--concurrency", "1"];
  for (const b of BUNDLED) args.push("--deffile", b);
  const timer = setTimeout(() => stop.abort(), 400);
  const code = await surveyCommand(args, io, { signal: stop.signal, progress: false });
  clearTimeout(timer);
  assert.equal(code, 130, io.stderr.join("\n"));
  assert.match(
    io.stderr.at(-1)!,
    /^cbapi survey: interrupted; wrote the \d+ rows of 14 programs to /,
  );
  const text = await Deno.readTextFile(out);
  assert.ok(text.startsWith(csvHeader()));
  const written = text.split("\r\n").length - 2;
  assert.equal(io.stderr.at(-1)!.match(/wrote the (\d+) rows/)![1], String(written));
  const left = [];
  for await (const e of Deno.readDir(dir.path)) left.push(e.name);
  assert.deepEqual(left, ["out.csv"], "no partial file left");
});

Deno.test("Ctrl-C (SIGINT) on a running cbapi survey writes the rows found so far", async () => {
  await using emu = await CbEmulator.start({ now: NOW, latencyMs: 150 });
  await using dir = await tempDir();
  const main = new URL("../../cli/main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      main,
      "survey",
      "--defdir",
      new URL("../../cli/definitions", import.meta.url).pathname,
      "--concurrency",
      "1",
      "--cburl",
      emu.url,
      "--apitoken",
      emu.token,
    ],
    cwd: dir.path,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Interrupt once the third search is in flight (the signal listener is installed by then).
  const deadline = Date.now() + 60_000;
  while (emu.requests.filter((r) => r.path === "/api/v1/process").length < 3) {
    assert.ok(Date.now() < deadline, "the survey never searched");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGINT");
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 130, stderr);
  const m = /^cbapi survey: interrupted; wrote the (\d+) rows of 14 programs to survey\.csv in /m
    .exec(stderr);
  assert.ok(m, stderr);
  const text = await Deno.readTextFile(`${dir.path}/survey.csv`);
  assert.ok(text.startsWith(csvHeader()));
  assert.equal(text.split("\r\n").length - 2, Number(m[1]));
  const searches = emu.requests.filter((r) => r.path === "/api/v1/process").length;
  assert.ok(searches < 19, `${searches} of 19 searches sent`);
});

Deno.test("the default concurrency is 8 searches in flight", async () => {
  assert.equal(DEFAULT_CONCURRENCY, 8);
  await using emu = await CbEmulator.start({ now: NOW, latencyMs: 30 });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const programs = Array.from(
    { length: 20 },
    (_, i) =>
      parseDefinitions(
        JSON.stringify({ [`P${i}`]: { process_name: [`x${i}.exe`] } }),
        "n.json",
      )[0]!,
  );
  let inFlight = 0;
  let most = 0;
  const start = emu.requests.length;
  const watch = setInterval(() => {
    const open = emu.requests.slice(start).filter((r) => r.status === 0).length;
    inFlight = open;
    most = Math.max(most, inFlight);
  }, 5);
  for await (const _ of survey(cb, programs)) { /* none */ }
  clearInterval(watch);
  assert.ok(most > 1 && most <= 8, `at most ${most} in flight`);
});

Deno.test("the emulator evaluates relative time terms against its clock [spec 322]", async () => {
  await using emu = await CbEmulator.start({ now: NOW });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const now = emu.now().getTime();
  const procs = [...emu.state.processes.values()];
  const since = (minutes: number, name?: string) =>
    procs.filter((p) =>
      Date.parse(p.start) >= now - minutes * 60_000 && (name === undefined || p.name === name)
    ).length;
  const perProcess = (q: string) => cb.select(Process).where(q).groupBy("id").count();
  assert.ok(since(1440) > 0);
  assert.equal(await perProcess("start:-1440m"), since(1440));
  assert.equal(await perProcess("start:-24h"), since(1440));
  assert.equal(await perProcess("start:-10080m"), since(10080));
  // Ten years back from March 2026 reach the documentation's October 2016 cmd.exe runs on
  // WIN-IA9NQ1GN8OI; about seven and a half years (4,000,000 minutes) reach none of them.
  const onHost3 = (minutes: number) =>
    procs.filter((p) =>
      p.name === "cmd.exe" && p.sensorId === 3 && Date.parse(p.start) >= now - minutes * 60_000
    ).length;
  assert.equal(
    await perProcess("process_name:cmd.exe start:-5256000m"),
    since(5_256_000, "cmd.exe"),
  );
  for (const [minutes, count] of [[5_256_000, 2], [4_000_000, 0]] as const) {
    assert.equal(onHost3(minutes), count);
    assert.equal(
      await perProcess(`process_name:cmd.exe start:-${minutes}m hostname:WIN-IA9NQ1GN8OI`),
      count,
    );
  }
});

Deno.test("with the default clock, the documentation's min_last_update(yesterday) finds recent cmd.exe", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  assert.ok(Math.abs(emu.now().getTime() - Date.now()) < 120_000, "the clock starts near now");
  const yesterday = new Date(Date.now() - 86_400_000);
  const rows = await cb.select(Process).where("process_name:cmd.exe").minLastUpdate(yesterday)
    .groupBy("id").toArray();
  assert.ok(rows.length > 0);
  for (const p of rows) assert.ok(p.last_update! >= yesterday);
  const expected = [...emu.state.processes.values()].filter((p) =>
    p.name === "cmd.exe" &&
    p.segments.some((s) => Date.parse(s.lastUpdate) >= yesterday.getTime())
  ).length;
  assert.equal(rows.length, expected);
});

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "cbapi-survey-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}
