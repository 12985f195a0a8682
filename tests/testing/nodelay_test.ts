// TCP_NODELAY on every connection the emulator accepts, plain and TLS. Fact relied on (DESIGN.md,
// "Measured in 2026-12"): real Cb servers sit behind nginx, whose `tcp_nodelay on` is the default;
// without it Nagle's algorithm plus the client's delayed ACK stall Deno TLS clients on every page.
// Checked from outside with strace (the socket option is not readable from Deno); skipped where
// strace is missing.

import assert from "node:assert/strict";

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

function hasStrace(): boolean {
  try {
    return new Deno.Command("strace", { args: ["-V"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const SCRIPT = `
import { CbEmulator } from "@cbapi/cbapi/testing";
for (const tls of [true, false]) {
  await using emu = await CbEmulator.start({ tls });
  using client = Deno.createHttpClient({ caCerts: emu.certPem ? [emu.certPem] : [] });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(emu.url + "/api/info", {
      client,
      headers: { "X-Auth-Token": emu.token, Connection: "close" },
    });
    await res.text();
  }
}
`;

Deno.test({
  name: "the emulator sets TCP_NODELAY on every accepted connection, plain and TLS",
  ignore: !hasStrace(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cbemu-nodelay-" });
    try {
      await Deno.writeTextFile(`${dir}/run.ts`, SCRIPT);
      const out = await new Deno.Command("strace", {
        args: [
          "-f",
          "-e",
          "trace=accept4,setsockopt",
          "-o",
          `${dir}/trace`,
          Deno.execPath(),
          "run",
          "--config",
          CONFIG,
          "--allow-net=127.0.0.1",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-sys",
          `${dir}/run.ts`,
        ],
        stdout: "null",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const trace = await Deno.readTextFile(`${dir}/trace`);
      // Each accepted socket's fd, in order, and whether TCP_NODELAY=1 was set on it afterwards.
      const accepted: { fd: string; at: number }[] = [];
      const lines = trace.split("\n");
      lines.forEach((line, at) => {
        const m = line.match(/accept4\(\d+, \{sa_family=AF_INET.*\) = (\d+)$/);
        if (m) accepted.push({ fd: m[1]!, at });
      });
      assert.equal(accepted.length, 4, "two TLS and two plain connections");
      for (const [i, { fd, at }] of accepted.entries()) {
        const set = lines.slice(at, accepted[i + 1]?.at).some((l) =>
          new RegExp(`setsockopt\\(${fd}, SOL_TCP, TCP_NODELAY, \\[1\\]`).test(l)
        );
        assert.ok(set, `TCP_NODELAY on accepted fd ${fd}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
