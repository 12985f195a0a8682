// Live Response loads on first use: importing a product module evaluates the manager (so
// `cb.liveResponse` stays a synchronous getter) but not the session protocol, the session
// handles or the Win32 error-name table. Checked on the module graph Deno itself reports
// (`deno info --json`): the modules reachable from the product entry points through static
// imports, which are what `import` evaluates before the first line of a script runs.

import assert from "node:assert/strict";
import { staticallyLoaded } from "../_module_graph.ts";

async function loadedFiles(entry: string): Promise<Set<string>> {
  const seen = await staticallyLoaded(new URL(entry, import.meta.url));
  return new Set([...seen].map((s) => s.replace(/^.*\/(live_response\/[^/]+)$/, "$1")));
}

const LAZY = [
  "live_response/_protocol.ts",
  "live_response/session.ts",
  "live_response/_keepalive.ts",
  "live_response/win32.ts",
  "live_response/_win32_names.ts",
];

for (const entry of ["../../response/mod.ts", "../../defense/mod.ts"]) {
  Deno.test(`importing ${entry.slice(6)} loads the Live Response manager but not its sessions`, async () => {
    const loaded = await loadedFiles(entry);
    assert.ok(loaded.has("live_response/manager.ts"), "the manager is loaded (sync getter)");
    assert.deepEqual(LAZY.filter((m) => loaded.has(m)), []);
  });
}
