// deno-lint-ignore-file no-console
// Child of the unknown-host test: run with network access to the `.invalid` name only (the test
// runner allows 127.0.0.1 alone), it asks for /api/info over each transport and prints what
// failed, how, and how long it took, as one JSON line.

import { Connection } from "@cbapi/cbapi/core";

const url = Deno.args[0]!;
const out: Record<string, unknown> = {};
for (const [transport, extra] of [["fetch", {}], ["node", { sslVerify: false }]] as const) {
  const started = performance.now();
  try {
    using conn = await Connection.open("response", {
      url,
      token: "t0ken-unknown-host",
      logger: { debug() {}, warn() {} },
      ...extra,
    });
    await conn.getObject("/api/info");
    out[transport] = { ok: true };
  } catch (error) {
    out[transport] = {
      ok: false,
      name: error instanceof Error ? error.name : typeof error,
      message: error instanceof Error ? error.message : String(error),
      ms: performance.now() - started,
    };
  }
}
console.log(JSON.stringify(out));
