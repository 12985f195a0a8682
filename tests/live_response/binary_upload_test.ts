import assert from "node:assert/strict";
import { lrFixture } from "./_helpers.ts";

Deno.test("putFile() then getFile() round-trips every byte value of a binary file [spec 290,287]", async () => {
  await using fx = await lrFixture();
  const data = new Uint8Array(4096);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff;
  data.set([0x4d, 0x5a, 0x90, 0x00, 0xff, 0xfe, 0xc3, 0x28], 0);
  {
    await using s = await fx.cb.liveResponse.requestSession(3);
    await s.putFile(data, String.raw`C:\temp\tool.exe`);
    // getFile() answers FileBytes (a Uint8Array with .text()); compare the bytes.
    assert.deepEqual(new Uint8Array(await s.getFile(String.raw`C:\temp\tool.exe`)), data);
  }
  assert.deepEqual(
    fx.emu.state.liveResponse.readFile("response", 3, String.raw`C:\temp\tool.exe`),
    data,
  );
});
