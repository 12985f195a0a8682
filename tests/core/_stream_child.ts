// deno-lint-ignore-file no-console
// Child of the streamed-download test: the consumer runs in its own process so that its resident
// set is its own (test files run side by side in one process under `deno test --parallel`).
// Reads the first chunk of a big answer over a pinned (node-transport) connection and stops
// reading; on a first line from stdin prints its RSS growth, on a second drains the body and
// prints the peak growth. One JSON line per phase.

import { Connection } from "@cbapi/cbapi/core";

const [url, certFile, path] = Deno.args;
const MIB = 1024 * 1024;
using conn = await Connection.open("response", {
  url: url!,
  token: "t0ken-stream",
  sslCertFile: certFile!,
});
const rssBefore = Deno.memoryUsage().rss;
const res = await conn.request("GET", path!);
const reader = res.body!.getReader();
let total = (await reader.read()).value!.byteLength;
const stdin = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
const waitLine = async () => {
  for (let text = ""; !text.includes("\n");) {
    const { done, value } = await stdin.read();
    if (done) throw new Error("stdin ended");
    text += value;
  }
};
console.log(JSON.stringify({
  phase: "stopped",
  transport: conn.transport,
  chunked: !res.headers.has("content-length"),
}));
await waitLine(); // The parent saw the server stop (or not) producing.
console.log(JSON.stringify({
  phase: "paused",
  growthMib: (Deno.memoryUsage().rss - rssBefore) / MIB,
}));
await waitLine();
let peak = Deno.memoryUsage().rss;
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  total += value.byteLength;
  if (total % (8 * MIB) < value.byteLength) peak = Math.max(peak, Deno.memoryUsage().rss);
}
console.log(JSON.stringify({ phase: "done", total, growthMib: (peak - rssBefore) / MIB }));
