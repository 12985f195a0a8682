// Start-up cost of a plain script: importing a product module must not load Deno's Node
// compatibility layer (node:tls, node:stream, node:crypto, node:zlib...), which measured about
// half of a one-line Response script's start-up (139 ms against 67 ms for an empty script, issue
// 17). The node transport, the pinned-certificate reader, the TLS probe and the ZIP reader are
// loaded by their first use instead. Checked on the static module graph Deno reports.

import assert from "node:assert/strict";
import { staticallyLoaded } from "../_module_graph.ts";

for (const entry of ["response/mod.ts", "protection/mod.ts", "defense/mod.ts", "core/mod.ts"]) {
  Deno.test(`importing ${entry} loads no node: or npm: module`, async () => {
    const loaded = await staticallyLoaded(new URL(`../../${entry}`, import.meta.url));
    assert.ok(loaded.size > 10, "the graph was read");
    const node = [...loaded].filter((s) => /^(node|npm):/.test(s));
    assert.deepEqual(node, [], "modules that start the Node compatibility layer at import");
  });
}
