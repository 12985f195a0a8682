import assert from "node:assert/strict";
import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";

Deno.test("Device.lrSession() opens a Defense session that closing the API frees [spec 265]", async () => {
  await using emu = await CbEmulator.start();
  const cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  try {
    const device = (await cb.select(Device).where("hostNameExact:WIN-IA9NQ1GN8OI").first())!;
    {
      await using session = await device.lrSession({ pollIntervalMs: 5 });
      const text = new TextDecoder().decode(await session.getFile(String.raw`c:\test.txt`));
      assert.equal(text, "this is a test\r\n");
      assert.equal(emu.state.liveResponse.openSessions, 1);
    }
    assert.equal(emu.state.liveResponse.openSessions, 0, "await using closed it");
    const kept = await device.lrSession({ pollIntervalMs: 5 });
    assert.ok(kept);
    assert.ok(
      emu.requests.some((r) =>
        r.method === "POST" && r.path === `/integrationServices/v3/cblr/session/${device.deviceId}`
      ),
    );
  } finally {
    await cb.close();
  }
  assert.equal(
    emu.state.liveResponse.openSessions,
    0,
    "closing the API closed the session left open",
  );
});
