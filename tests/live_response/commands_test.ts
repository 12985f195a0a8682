import assert from "node:assert/strict";
import { ApiError, TimeoutError } from "@cbapi/cbapi/core";
import { LiveResponseError } from "@cbapi/cbapi/live-response";
import { lrFixture, lrRequests, utf8 } from "./_helpers.ts";

const ACPI = String.raw`HKLM\SYSTEM\CurrentControlSet\services\ACPI`;

Deno.test("getFile() posts get file with session_id and reads the content [spec 284,286,287]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const from = emu.requests.length;
    assert.equal(utf8(await s.getFile(String.raw`c:\test.txt`)), "this is a test\r\n");
    const sent = lrRequests(emu, from);
    assert.equal(
      sent[0],
      `POST /api/v1/cblr/session/${s.sessionId}/command {"name": "get file", "object": "c:\\\\test.txt", "session_id": ${s.sessionId}}`,
    );
    assert.match(sent[1]!, /^GET \/api\/v1\/cblr\/session\/1\/command\/1$/);
    assert.match(sent.at(-1)!, /^GET \/api\/v1\/cblr\/session\/1\/file\/\d+\/content$/);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("getRawFile() streams a large file in chunks [spec 288]", async () => {
  const size = 3 * 1024 * 1024 + 17;
  await using fx = await lrFixture({
    liveResponse: { generatedFiles: [{ path: String.raw`C:\big.bin`, size }] },
  });
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const stream = await s.getRawFile(String.raw`C:\big.bin`, {
      timeoutMs: 1000,
      pollIntervalMs: 1,
    });
    let total = 0;
    let chunks = 0;
    let largest = 0;
    for await (const chunk of stream) {
      total += chunk.length;
      chunks++;
      largest = Math.max(largest, chunk.length);
    }
    assert.equal(total, size);
    assert.ok(chunks > 10 && largest <= 1024 * 1024, `streamed in ${chunks} chunks`);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Command errors raise LiveResponseError with the Win32 code and name [spec 286,308,326]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const err = await s.getFile(String.raw`c:\nope.txt`).catch((e) => e);
    assert.ok(err instanceof LiveResponseError);
    assert.equal(err.win32Code, 0x80070002);
    assert.equal(err.description, "ERROR_FILE_NOT_FOUND");
    assert.match(err.message, /Win32 error code 0x80070002 \(ERROR_FILE_NOT_FOUND\)/);
    assert.equal(err.details.status, "error");
    assert.equal(err.details.result_type, "WinHresult");
    const dirErr = await s.createDirectory(String.raw`C:\temp`).catch((e) => e);
    assert.equal(dirErr.description, "ERROR_ALREADY_EXISTS");
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("A command that does not complete in time raises TimeoutError [spec 286]", async () => {
  await using fx = await lrFixture({ liveResponse: { commandDelayMs: 10_000 } });
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const err = await s.listProcesses({ timeoutMs: 20 }).catch((e) => e);
    assert.ok(err instanceof TimeoutError);
    assert.match(err.message, /timeout polling for Live Response/);
    assert.match(err.uri!, /\/api\/v1\/cblr\/session\/1\/command\/1$/);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Aborting a command rethrows the reason; the session still closes [spec 281,286]", async () => {
  await using fx = await lrFixture({ liveResponse: { commandDelayMs: 10_000 } });
  const { emu, cb } = fx;
  const reason = new Error("enough");
  const controller = new AbortController();
  await assert.rejects(async () => {
    await using s = await cb.liveResponse.requestSession(3);
    const pending = s.listProcesses({ signal: controller.signal });
    setTimeout(() => controller.abort(reason), 5);
    await pending;
  }, (e) => e === reason);
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("deleteFile(), createDirectory() and listDirectory() change the endpoint [spec 289,291,292]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const lr = emu.state.liveResponse;
  {
    await using s = await cb.liveResponse.requestSession(3);
    await s.deleteFile(String.raw`C:\temp\file1.txt`);
    assert.equal(lr.exists("response", 3, String.raw`C:\temp\file1.txt`), false);
    await s.createDirectory(String.raw`C:\temp\new`);
    assert.equal(lr.exists("response", 3, String.raw`c:\TEMP\NEW`), true);
    const list = await s.listDirectory("C:\\temp\\");
    assert.deepEqual(list.map((f) => f.filename), [".", "..", "dir1", "dir2", "new", "test.txt"]);
    const entry = list.find((f) => f.filename === "test.txt")!;
    assert.deepEqual(entry.attributes, ["ARCHIVE"]);
    assert.equal(typeof entry.last_write_time, "number");
    assert.ok(
      lrRequests(emu).some((l) =>
        l.includes('"name": "directory list", "object": "C:\\\\temp\\\\"')
      ),
    );
    await assert.rejects(s.listDirectory("C:\\nowhere\\"), LiveResponseError);
  }
  assert.equal(lr.openSessions, 0);
});

Deno.test("putFile() uploads multipart part 'file', then sends put file with the file id [spec 290]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const from = emu.requests.length;
    await s.putFile(new TextEncoder().encode("File Data"), String.raw`C:\temp\put.txt`);
    const upload = emu.requests.slice(from).find((r) => r.path.endsWith("/file"))!;
    assert.equal(upload.method, "POST");
    assert.match(upload.headers["content-type"]!, /^multipart\/form-data; boundary=[0-9a-f]{32}$/);
    assert.match(
      upload.body,
      /Content-Disposition: form-data; name="file"; filename="file"\r\n\r\nFile Data\r\n/,
    );
    const put = lrRequests(emu, from).find((l) => l.includes('"put file"'))!;
    assert.match(
      put,
      /"file_id": \d+, "name": "put file", "object": "C:\\\\temp\\\\put.txt", "session_id": 1/,
    );
    assert.equal(
      utf8(emu.state.liveResponse.readFile("response", 3, String.raw`c:\temp\put.txt`)),
      "File Data",
    );
    // from a stream
    const stream = ReadableStream.from([
      new TextEncoder().encode("one "),
      new TextEncoder().encode("two"),
    ]);
    await s.putFile(stream, String.raw`C:\temp\stream.txt`);
    assert.equal(
      utf8(emu.state.liveResponse.readFile("response", 3, String.raw`C:\temp\stream.txt`)),
      "one two",
    );
    const exists = await s.putFile("again", String.raw`C:\temp\put.txt`).catch((e) => e);
    assert.equal(exists.description, "ERROR_FILE_EXISTS");
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("walk() yields top-down or bottom-up and reports errors to onError [spec 293]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const down = await Array.fromAsync(s.walk("C:\\temp\\"));
    assert.deepEqual(down, [
      ["C:\\temp\\", ["dir1", "dir2"], ["file1.txt", "test.txt"]],
      [String.raw`C:\temp\dir1`, [], ["a.txt"]],
      [String.raw`C:\temp\dir2`, [], []],
    ]);
    assert.ok(lrRequests(emu).some((l) => l.includes(String.raw`"object": "C:\\temp\\*"`)));
    const up = await Array.fromAsync(s.walk(String.raw`C:\temp`, { topdown: false }));
    assert.deepEqual(up.map((e) => e[0]), [
      String.raw`C:\temp\dir1`,
      String.raw`C:\temp\dir2`,
      String.raw`C:\temp`,
    ]);
    const pruned: string[] = [];
    for await (const [dir, dirs] of s.walk(String.raw`C:\temp`)) {
      pruned.push(dir);
      dirs.splice(0, dirs.length, ...dirs.filter((d) => d !== "dir1"));
    }
    assert.deepEqual(pruned, [String.raw`C:\temp`, String.raw`C:\temp\dir2`]);
    const errors: unknown[] = [];
    assert.deepEqual(
      await Array.fromAsync(s.walk(String.raw`C:\none`, { onError: (e) => errors.push(e) })),
      [],
    );
    assert.ok(errors[0] instanceof LiveResponseError);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Processes: list, kill (true, false on timeout, error), create with and without output [spec 294,295,296,307]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const lr = emu.state.liveResponse;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const procs = await s.listProcesses();
    assert.deepEqual(procs.slice(0, 2).map((p) => p.pid), [4, 340]);
    assert.ok(lrRequests(emu).some((l) => l.endsWith('{"name": "process list", "session_id": 1}')));
    assert.equal(await s.killProcess(2144), true);
    assert.ok(!lr.processIds("response", 3).includes(2144));
    await assert.rejects(s.killProcess(999_999), LiveResponseError);
    const from = emu.requests.length;
    const out = await s.createProcess(String.raw`cmd.exe /c "echo hello"`);
    assert.equal(utf8(out), "hello\r\n");
    const sent = lrRequests(emu, from);
    const create = sent[0]!;
    const temp = create.match(
      /"output_file": "(c:\\\\windows\\\\temp\\\\cblr\.[A-Za-z0-9]{12}\.tmp)"/,
    );
    assert.ok(temp, create);
    assert.match(create, /"wait": true/);
    assert.ok(sent.some((l) => l.includes('"name": "delete file"') && l.includes(temp[1]!)));
    assert.equal(
      lr.exists("response", 3, temp[1]!.replaceAll("\\\\", "\\")),
      false,
      "output deleted",
    );
    const none = await s.createProcess("notepad.exe", {
      waitForOutput: false,
      waitForCompletion: false,
    });
    assert.equal(none, undefined);
    assert.match(
      lrRequests(emu).at(-1)!,
      /"name": "create process", "object": "notepad.exe", "session_id": 1, "wait": false/,
    );
    const named = await s.createProcess("hostname", {
      remoteOutputFileName: String.raw`C:\temp\out.txt`,
      workingDirectory: String.raw`C:\temp`,
    });
    assert.equal(utf8(named), "WIN-IA9NQ1GN8OI\r\n");
    assert.ok(lrRequests(emu).some((l) => l.includes(String.raw`"working_directory": "C:\\temp"`)));
  }
  assert.equal(lr.openSessions, 0);
});

Deno.test("killProcess() returns false when the command does not complete in time [spec 294]", async () => {
  await using fx = await lrFixture({ liveResponse: { sensorDelays: { 3: 10_000 } } });
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    assert.equal(await s.killProcess(2144, { timeoutMs: 15 }), false);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Registry commands read and change the endpoint's registry [spec 297,298,299,300,301,302,303]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const lr = emu.state.liveResponse;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const both = await s.listRegistryKeysAndValues(ACPI);
    assert.deepEqual(both.sub_keys.sort(), ["Enum", "Parameters"]);
    assert.equal(both.values.length, 8);
    assert.deepEqual((await s.listRegistryKeys(ACPI)).map((v) => v.value_name).slice(0, 2), [
      "Start",
      "Type",
    ]);
    assert.deepEqual(await s.getRegistryValue(`${ACPI}\\Start`), {
      value_data: 0,
      value_name: "Start",
      value_type: "REG_DWORD",
    });
    const from = emu.requests.length;
    await s.setRegistryValue(`${ACPI}\\testvalue`, 1);
    await s.setRegistryValue(`${ACPI}\\multi`, ["a", "b"]);
    await s.setRegistryValue(`${ACPI}\\text`, true);
    await s.setRegistryValue(`${ACPI}\\big`, 5, { valueType: "REG_QWORD", overwrite: false });
    const sent = lrRequests(emu, from).filter((l) => l.startsWith("POST"));
    assert.match(
      sent[0]!,
      /"overwrite": true, "session_id": 1, "value_data": 1, "value_type": "REG_DWORD"/,
    );
    assert.match(sent[1]!, /"value_data": \["a", "b"\], "value_type": "REG_MULTI_SZ"/);
    assert.match(sent[2]!, /"value_data": "True", "value_type": "REG_SZ"/);
    assert.match(sent[3]!, /"overwrite": false, .*"value_type": "REG_QWORD"/);
    assert.deepEqual(lr.registryValue("response", 3, ACPI, "testvalue"), {
      value_name: "testvalue",
      value_type: "REG_DWORD",
      value_data: 1,
    });
    const again = await s.setRegistryValue(`${ACPI}\\big`, 6, { overwrite: false }).catch((e) => e);
    assert.equal(again.description, "ERROR_ALREADY_EXISTS");
    await s.deleteRegistryValue(`${ACPI}\\testvalue`);
    assert.equal(lr.registryValue("response", 3, ACPI, "testvalue"), undefined);
    await s.createRegistryKey(`${ACPI}\\NewKey`);
    assert.ok(lr.registryKeyExists("response", 3, `${ACPI}\\newkey`));
    await s.deleteRegistryKey(`${ACPI}\\NewKey`);
    assert.ok(!lr.registryKeyExists("response", 3, `${ACPI}\\NewKey`));
    const missing = await s.getRegistryValue(`${ACPI}\\nothing`).catch((e) => e);
    assert.equal(missing.description, "ERROR_FILE_NOT_FOUND");
  }
  assert.equal(lr.openSessions, 0);
});

Deno.test("memdump() and startMemdump() dump, fetch and delete [spec 304,305]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const lr = emu.state.liveResponse;
  {
    await using s = await cb.liveResponse.requestSession(3);
    const chunks: Uint8Array[] = [];
    const sink = () => new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
    const from = emu.requests.length;
    await s.memdump(sink(), {
      remoteFilename: String.raw`c:\windows\temp\mem.dmp`,
      pollIntervalMs: 1,
    });
    const sent = lrRequests(emu, from).filter((l) => l.startsWith("POST"));
    assert.match(
      sent[0]!,
      /"compress": false, "name": "memdump", "object": "c:\\\\windows\\\\temp\\\\mem.dmp"/,
    );
    assert.match(sent[1]!, /"name": "get file", "object": "c:\\\\windows\\\\temp\\\\mem.dmp"/);
    assert.match(sent[2]!, /"name": "delete file"/);
    assert.equal(utf8(chunks[0]!.slice(0, 4)), "MDMP");
    assert.ok(!lr.exists("response", 3, String.raw`c:\windows\temp\mem.dmp`));
    const dump = await s.startMemdump();
    assert.match(dump.remoteFilename, /^c:\\windows\\temp\\cblr\.[A-Za-z0-9]{12}\.tmp\.zip$/);
    assert.equal(dump.compress, true);
    await dump.wait({ pollIntervalMs: 1 });
    assert.ok(dump.done);
    assert.ok(lr.exists("response", 3, dump.remoteFilename));
    chunks.length = 0;
    await dump.get(sink(), { pollIntervalMs: 1 });
    assert.equal(utf8(chunks[0]!.slice(0, 2)), "PK");
    await dump.delete();
    assert.ok(!lr.exists("response", 3, dump.remoteFilename));
  }
  assert.equal(lr.openSessions, 0);
});

Deno.test("Unsupported commands raise ApiError before anything is sent [spec 283]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(6);
    assert.ok(!s.supportedCommands.includes("memdump"));
    const from = emu.requests.length;
    const err = await s.startMemdump().catch((e) => e);
    assert.ok(err instanceof ApiError);
    assert.match(err.message, /^Command memdump not supported by this sensor/);
    await assert.rejects(s.getRegistryValue(`${ACPI}\\Start`), ApiError);
    assert.deepEqual(lrRequests(emu, from), []);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Temporary names and path joining follow the OS type [spec 307]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using win = await cb.liveResponse.requestSession(3);
    await using linux = await cb.liveResponse.requestSession(6);
    assert.equal(win.pathJoin(String.raw`c:\windows`, "temp"), String.raw`c:\windows\temp`);
    assert.equal(win.pathJoin("C:\\temp\\", "*"), String.raw`C:\temp\*`);
    assert.equal(win.pathJoin("x", String.raw`D:\y`), String.raw`D:\y`);
    assert.equal(linux.pathJoin("/tmp", "a", "b"), "/tmp/a/b");
    assert.match(win.temporaryFileName(), /^c:\\windows\\temp\\cblr\.[A-Za-z0-9]{12}\.tmp$/);
    assert.match(linux.temporaryFileName(), /^\/tmp\/cblr\.[A-Za-z0-9]{12}\.tmp$/);
    assert.notEqual(win.temporaryFileName(), win.temporaryFileName());
    assert.equal(utf8(await linux.createProcess("/bin/echo hi")), "hi\r\n");
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("getSessionArchive() streams the session archive [spec 306]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    await s.listProcesses();
    const bytes = new Uint8Array(await new Response(await s.getSessionArchive()).arrayBuffer());
    assert.equal(utf8(bytes.slice(0, 2)), "PK");
    assert.ok(lrRequests(emu).includes("GET /api/v1/cblr/session/1/archive"));
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("A vanished session is re-established and the command posted again [spec 285]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    emu.state.liveResponse.expireSession(s.sessionId);
    const from = emu.requests.length;
    assert.ok((await s.listProcesses()).length > 0);
    const sent = lrRequests(emu, from);
    assert.match(sent[0]!, /^POST \/api\/v1\/cblr\/session\/1\/command/);
    assert.equal(sent[1], "GET /api/v1/cblr/session");
    assert.equal(sent[2], 'POST /api/v1/cblr/session {"sensor_id": 3}');
    assert.ok(sent.some((l) => l.startsWith("POST /api/v1/cblr/session/2/command")));
    assert.equal(s.sessionId, 2);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Five posts that find the session gone give TimeoutError; another 404 gives ApiError [spec 285]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  {
    await using s = await cb.liveResponse.requestSession(3);
    emu.faults.add({
      method: "POST",
      path: /\/command$/,
      status: 404,
      body: "Session 1 not found",
      times: 5,
    });
    const from = emu.requests.length;
    const err = await s.listProcesses().catch((e) => e);
    assert.ok(err instanceof TimeoutError);
    assert.match(err.message, /^Command process list failed after 5 retries/);
    assert.equal(lrRequests(emu, from).filter((l) => /^POST .*\/command /.test(l)).length, 5);
    emu.faults.add({
      method: "POST",
      path: /\/command$/,
      status: 404,
      body: '{"status": "NOT_FOUND"}',
      times: 1,
    });
    assert.ok((await s.listProcesses()).length > 0, "JSON NOT_FOUND also re-establishes");
    emu.faults.add({
      method: "POST",
      path: /\/command$/,
      status: 404,
      body: "No such thing",
      times: 1,
    });
    const other = await s.listProcesses().catch((e) => e);
    assert.ok(other instanceof ApiError && !(other instanceof TimeoutError));
    assert.match(other.message, /^Received 404 error from server: No such thing/);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});
