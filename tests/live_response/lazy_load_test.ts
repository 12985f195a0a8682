// Live Response loads on first use: importing a product module evaluates the manager (so
// `cb.liveResponse` stays a synchronous getter) but not the session protocol, the session
// handles or the Win32 error-name table. Checked on the module graph Deno itself reports
// (`deno info --json`): the modules reachable from the product entry points through static
// imports, which are what `import` evaluates before the first line of a script runs.

import assert from "node:assert/strict";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

async function staticallyLoaded(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, import.meta.url).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const todo = [...info.roots];
  while (todo.length > 0) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const d of bySpecifier.get(s)?.dependencies ?? []) {
      if (d.code && !d.isDynamic) todo.push(d.code.specifier);
    }
  }
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
    const loaded = await staticallyLoaded(entry);
    assert.ok(loaded.has("live_response/manager.ts"), "the manager is loaded (sync getter)");
    assert.deepEqual(LAZY.filter((m) => loaded.has(m)), []);
  });
}
