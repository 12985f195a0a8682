// Streamed downloads over the node transport (a pinned certificate) read the connection only as
// fast as the caller consumes the body: a consumer that stops reading stops the server, and the
// memory of the process does not grow with the size of the download. Measured with Deno 2.9.6:
// node:https with a paused answer kept reading the socket (a 256 MiB body grew RSS by 523 MiB),
// so this pins the transport's own backpressure.
//
// Facts relied on: the test server streams its body from a pull-based ReadableStream, so what it
// has produced is what the client's socket (and the kernel's loopback buffers, a few MiB) took.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { makeCertSet } from "../_certs.ts";

const MIB = 1024 * 1024;

/** An HTTPS server whose one answer is `size` bytes, produced only as the socket takes them. */
function bigBodyServer(tls: { cert: string; key: string }, size: number) {
  const state = { produced: 0, cancelled: false };
  const chunk = new Uint8Array(64 * 1024).fill(0x41);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    cert: tls.cert,
    key: tls.key,
  }, (req) => {
    const headers = new Headers({ "content-type": "application/octet-stream" });
    // Without content-length the answer goes out chunked.
    if (new URL(req.url).searchParams.has("length")) headers.set("content-length", String(size));
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          if (state.produced >= size) return c.close();
          const n = Math.min(chunk.byteLength, size - state.produced);
          state.produced += n;
          c.enqueue(n === chunk.byteLength ? chunk : chunk.subarray(0, n));
        },
        cancel() {
          state.cancelled = true;
        },
      }, { highWaterMark: 0 }),
      { headers },
    );
  });
  return { url: `https://127.0.0.1:${server.addr.port}`, state, server };
}

Deno.test("a streamed download over the node transport (pinned certificate) is read only as fast as it is consumed, RSS bounded, content-length and chunked", async (t) => {
  await using certs = await makeCertSet();
  const size = 128 * MIB;
  const srv = bigBodyServer(certs.selfSigned, size);
  try {
    for (const [name, query] of [["content-length", "?length"], ["chunked", ""]] as const) {
      await t.step(name, async () => {
        srv.state.produced = 0;
        // The consumer in its own process: its RSS is its own (see _stream_child.ts).
        const child = new Deno.Command(Deno.execPath(), {
          args: [
            "run",
            `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
            "--allow-net=127.0.0.1",
            "--allow-read",
            "--allow-env",
            new URL("./_stream_child.ts", import.meta.url).pathname,
            srv.url,
            certs.selfSigned.certFile,
            `/api/v1/big${query}`,
          ],
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const stderr = new Response(child.stderr).text();
        const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
        let text = "";
        const nextLine = async (): Promise<Record<string, unknown>> => {
          while (!text.includes("\n")) {
            const { done, value } = await lines.read();
            if (done) throw new Error(`the child ended early: ${await stderr}`);
            text += value;
          }
          const at = text.indexOf("\n");
          const line = text.slice(0, at);
          text = text.slice(at + 1);
          return JSON.parse(line);
        };
        try {
          const stopped = await nextLine();
          assert.equal(stopped.transport, "node", "a pin is carried by the node transport");
          assert.equal(stopped.chunked, name === "chunked");
          // The consumer has read one chunk and nothing more: the transport must stop reading
          // the connection too, so the server stops producing. Wait until it has produced
          // nothing for 500 ms (the old transport only stopped at the end of the body).
          let last = -1;
          for (let waited = 0; srv.state.produced !== last && waited < 20_000; waited += 500) {
            last = srv.state.produced;
            await new Promise((r) => setTimeout(r, 500));
          }
          const producedWhilePaused = srv.state.produced;
          assert.ok(
            producedWhilePaused < 24 * MIB,
            `the server produced ${(producedWhilePaused / MIB).toFixed(1)} MiB while the ` +
              `consumer read nothing (the transport kept reading the socket)`,
          );
          const writer = child.stdin.getWriter();
          await writer.write(new TextEncoder().encode("measure\n"));
          const paused = await nextLine();
          const pausedGrowth = paused.growthMib as number;
          assert.ok(pausedGrowth < 24, `RSS grew by ${pausedGrowth.toFixed(1)} MiB while paused`);
          await writer.write(new TextEncoder().encode("go\n"));
          await writer.close();
          const done = await nextLine();
          assert.equal(done.total, size);
          // Chunks the consumer dropped are collected tens of MiB at a time, so the drain is
          // only held under 112 MiB, less than the body; the paused phase above is the sharp check.
          const growth = done.growthMib as number;
          assert.ok(growth < 112, `RSS grew by ${growth.toFixed(1)} MiB draining`);
        } finally {
          await lines.cancel();
          try {
            child.kill();
          } catch {
            // Already ended.
          }
          await child.status;
          await stderr;
        }
      });
    }
  } finally {
    await srv.server.shutdown();
  }
});

Deno.test("a script that never closes its node-transport connection still ends: kept connections do not hold the process (as node's agent unrefs them)", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      new URL("./_no_close.ts", import.meta.url).pathname,
      emu.url,
      emu.token,
      emu.certFile!,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill(), 15_000);
  const out = await child.output();
  clearTimeout(timer);
  assert.ok(out.success, `the child was killed or failed: ${new TextDecoder().decode(out.stderr)}`);
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "node");
});
