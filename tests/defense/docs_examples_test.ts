// The Cb Protection and Cb Defense teasers of the cbapi 1.3.6 documentation, against the emulator.

import assert from "node:assert/strict";
import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
import { CbProtectionAPI, FileInstance } from "@cbapi/cbapi/protection";
import { CbEmulator } from "@cbapi/cbapi/testing";

Deno.test("docs: the first file instance's computer, moved to policy 3 [spec 235,223,226]", async () => {
  await using emu = await CbEmulator.start();
  await using p = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
  const fi = (await p.select(FileInstance).first())!;
  assert.equal(emu.requests.at(-1)!.url, "/api/bit9platform/v1/fileInstance?limit=1&offset=0");
  const computer = (await fi.computer())!;
  assert.equal(typeof computer.name, "string");
  computer.policyId = 3;
  await computer.save();
  const put = emu.requests.find((r) => r.method === "PUT")!;
  assert.equal(put.path, `/api/bit9platform/v1/computer/${computer.id}`);
  assert.equal(JSON.parse(put.body).policyId, 3);
  assert.equal(emu.state.protection.collections.get("computer")!.get(computer.id!)!.policyId, 3);
});

Deno.test("docs: the device named WIN-IA9NQ1GN8OI at 192.168.215.150 moves to Restrictive_Windows_Workstation [spec 259,264]", async () => {
  await using emu = await CbEmulator.start();
  await using c = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  const query = c.select(Device).where("hostNameExact:WIN-IA9NQ1GN8OI").and(
    "ipAddress:192.168.215.150",
  );
  for await (const dev of query) {
    dev.policyName = "Restrictive_Windows_Workstation";
    await dev.save();
  }
  const patch = emu.requests.find((r) => r.method === "PATCH")!;
  assert.equal(patch.path, "/integrationServices/v3/device/12");
  assert.deepEqual(
    JSON.parse(patch.body),
    { policyName: "Restrictive_Windows_Workstation" },
    "only the change",
  );
  const first = (await query.first())!;
  assert.equal(first.policyName, "Restrictive_Windows_Workstation");
});
