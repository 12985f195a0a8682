// Every feature behaves the same whatever carries the request: the same scenario over fetch (plain
// http to the loopback emulator) and over the node transport (the emulator's certificate pinned
// with ssl_cert_file): a streamed binary ZIP, a multipart Live Response upload read back, abort in
// the middle of a streamed body, and the debug log lines.

import assert from "node:assert/strict";
import type { Logger } from "@cbapi/cbapi/core";
import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";

const NOTEPAD = "7FB55F5A62E78AF9B58D08AAEEAEF848";

for (const transport of ["fetch", "node"] as const) {
  Deno.test(`${transport} transport: streamed binary, multipart LR upload, abort mid-body and the debug log behave the same`, async () => {
    await using emu = await CbEmulator.start(transport === "node" ? { tls: true } : {});
    const lines: string[] = [];
    const logger: Logger = { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
    await using cb = await CbResponseAPI.connect({
      url: emu.url,
      token: emu.token,
      logger,
      ...(transport === "node" ? { sslCertFile: emu.certFile! } : {}),
    });
    assert.equal(cb.connection.transport, transport);
    cb.liveResponse.configure({ sessionPollIntervalMs: 2, commandPollIntervalMs: 2 });

    // A streamed download: the whole binary, chunk by chunk, starts with MZ.
    const binary = await cb.select(Binary, NOTEPAD);
    const bytes = await new Response(await binary.file()).bytes();
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 2)), "MZ");
    assert.ok(bytes.length > 2);

    // Abort in the middle of a streamed body (a 64 MiB binary, so the body is still arriving): the
    // reader rejects with the caller's reason.
    emu.state.binaries.get(NOTEPAD)!.size = 64 * 1024 * 1024;
    const controller = new AbortController();
    const reader = (await binary.file({ signal: controller.signal })).getReader();
    await reader.read();
    const reason = new Error("stop here");
    controller.abort(reason);
    const aborted = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    })().catch((e: unknown) => e);
    assert.equal(aborted, reason, "the body rejects with the caller's reason");
    reader.releaseLock();

    // A multipart upload (putFile) and the file read back.
    const data = new Uint8Array(70_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff;
    {
      await using session = await cb.liveResponse.requestSession(3);
      await session.putFile(data, String.raw`C:\temp\parity.bin`);
      assert.deepEqual(new Uint8Array(await session.getFile(String.raw`C:\temp\parity.bin`)), data);
    }
    assert.equal(emu.state.liveResponse.openSessions, 0);

    // The debug log reads the same over both.
    assert.ok(
      lines.some((l) =>
        new RegExp(
          `^HTTP GET /api/v1/binary/${NOTEPAD}/summary took \\d+\\.\\d{3}s \\(response 200\\)$`,
        ).test(l)
      ),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) =>
        /^HTTP POST \/api\/v1\/cblr\/session\/\d+\/file took .*\(response 200\)$/.test(l)
      ),
      lines.join("\n"),
    );
  });
}
