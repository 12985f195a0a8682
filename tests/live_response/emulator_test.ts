// The emulator's Live Response routes, driven with plain fetch (no client code).
import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { call, send } from "../testing/_helpers.ts";
import { until } from "./_helpers.ts";

const B = "/api/v1/cblr";

Deno.test("Emulator Live Response: session states, limit of 10, commands, files and errors [spec 326]", async () => {
  await using emu = await CbEmulator.start();
  const ids: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await send(emu, "POST", `${B}/session`, { sensor_id: 1 + (i % 4) });
    assert.equal(r.status, 200);
    assert.equal(r.json.status, "pending");
    ids.push(r.json.id);
  }
  assert.equal(emu.state.liveResponse.openSessions, 10);
  const refused = await send(emu, "POST", `${B}/session`, { sensor_id: 6 });
  assert.equal(refused.status, 500);
  assert.match(refused.text, /Maximum number of concurrent Live Response sessions \(10\)/);
  const unknown = await send(emu, "POST", `${B}/session`, { sensor_id: 999 });
  assert.equal(unknown.status, 404);
  assert.match(unknown.text, /^Sensor 999/);
  assert.ok(await until(() => emu.state.liveResponse.sessionStatus(ids[0]!) === "active"));
  const doc = (await call(emu, `${B}/session/${ids[0]}`)).json;
  assert.equal(doc.status, "active");
  assert.equal(doc.sensor_id, 1);
  assert.ok(doc.supported_commands.includes("memdump"));
  assert.deepEqual(doc.drives, ["A:\\", "C:\\", "D:\\"]);
  const list = (await call(emu, `${B}/session`)).json;
  assert.equal(list.length, 10);
  assert.ok(list.every((r: { sensor_id: unknown }) => typeof r.sensor_id === "number"));
  const posted = await send(emu, "POST", `${B}/session/${ids[0]}/command`, {
    name: "get file",
    object: "c:\\nope.txt",
    session_id: ids[0],
  });
  assert.equal(posted.json.status, "pending");
  assert.equal(typeof posted.json.file_id, "number");
  const failed = (await call(emu, `${B}/session/${ids[0]}/command/${posted.json.id}`)).json;
  assert.equal(failed.status, "error");
  assert.equal(failed.result_type, "WinHresult");
  assert.equal(failed.result_code, 2147942402);
  const upload = await call(emu, `${B}/session/${ids[0]}/file`, {
    method: "POST",
    headers: { "Content-Type": "multipart/form-data; boundary=XyZ" },
    body:
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\nabc\r\n--XyZ--\r\n',
  });
  assert.equal(typeof upload.json.id, "number");
  const put = await send(emu, "POST", `${B}/session/${ids[0]}/command`, {
    name: "put file",
    object: "c:\\up.txt",
    file_id: upload.json.id,
    session_id: ids[0],
  });
  assert.equal(
    (await call(emu, `${B}/session/${ids[0]}/command/${put.json.id}`)).json.status,
    "complete",
  );
  const get = await send(emu, "POST", `${B}/session/${ids[0]}/command`, {
    name: "get file",
    object: "C:\\UP.TXT",
    session_id: ids[0],
  });
  await call(emu, `${B}/session/${ids[0]}/command/${get.json.id}`);
  assert.equal(
    (await call(emu, `${B}/session/${ids[0]}/file/${get.json.file_id}/content`)).text,
    "abc",
  );
  assert.equal((await call(emu, `${B}/session/${ids[0]}/keepalive`)).status, 200);
  // close every session: the slots free
  for (const id of ids) {
    const d = (await call(emu, `${B}/session/${id}`)).json;
    assert.equal(
      (await send(emu, "PUT", `${B}/session/${id}`, { ...d, status: "close" })).status,
      200,
    );
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
  const gone = await send(emu, "POST", `${B}/session/${ids[0]}/command`, {
    name: "process list",
    session_id: ids[0],
  });
  assert.equal(gone.status, 404);
  assert.match(gone.text, /^Session /);
  assert.equal((await call(emu, `${B}/session`, { token: "wrong" })).status, 401);
});

Deno.test("Emulator Live Response (Defense): upper-case statuses, JSON NOT_FOUND, Defense token [spec 326,328]", async () => {
  await using emu = await CbEmulator.start();
  const D = "/integrationServices/v3/cblr";
  const opened = await call(emu, `${D}/session/12`, {
    token: emu.defenseToken,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sensor_id: 12 }),
  });
  assert.equal(opened.json.status, "PENDING");
  assert.ok(await until(() => emu.state.liveResponse.sessionStatus(opened.json.id) === "active"));
  assert.equal(
    (await call(emu, `${D}/session/${opened.json.id}`, { token: emu.defenseToken })).json.status,
    "ACTIVE",
  );
  assert.equal(
    (await call(emu, `${D}/session/${opened.json.id}`)).status,
    401,
    "Response token refused",
  );
  const closed = await call(emu, `${D}/session`, {
    token: emu.defenseToken,
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ session_id: opened.json.id, status: "CLOSE" }),
  });
  assert.equal(closed.status, 200);
  const gone = await call(emu, `${D}/session/${opened.json.id}/command`, {
    token: emu.defenseToken,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "process list", session_id: opened.json.id }),
  });
  assert.equal(gone.status, 404);
  assert.equal(gone.json.status, "NOT_FOUND");
  assert.equal(emu.state.liveResponse.openSessions, 0);
});
