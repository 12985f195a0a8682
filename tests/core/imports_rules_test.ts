// The import rules of `deno task check:imports` (.ci/imports.ts): each rule is shown a break,
// and the tree as it is keeps every rule.

import assert from "node:assert/strict";
import { collect, fixImports, folderCycles, ruleBreaks } from "../../.ci/imports.ts";

const imp = (from: string, to: string) => ({ from, line: 1, to });

Deno.test("check:imports finds a cycle between folders, not inside one", () => {
  assert.deepEqual(
    folderCycles([imp("core/a.ts", "core/b.ts"), imp("core/b.ts", "core/a.ts")]),
    [],
  );
  const cycles = folderCycles([
    imp("response/a.ts", "core/mod.ts"),
    imp("core/api.ts", "live_response/x.ts"),
    imp("live_response/x.ts", "response/a.ts"),
  ]);
  assert.equal(cycles.length, 1);
  assert.match(cycles[0]!, /^import cycle between folders core, live_response, response:/);
  assert.match(cycles[0]!, /core -> live_response: core\/api\.ts:1 imports live_response\/x\.ts/);
});

Deno.test("check:imports: core is reached through core/mod.ts or core/_internal.ts only", () => {
  assert.deepEqual(
    ruleBreaks([
      imp("response/a.ts", "core/mod.ts"),
      imp("response/a.ts", "core/_internal.ts"),
      imp("core/query.ts", "core/_clause.ts"),
      imp("tests/core/zip_test.ts", "core/_zip.ts"),
      imp("bench/main.ts", "core/_parse.ts"),
    ]),
    [],
  );
  const found = ruleBreaks([
    imp("response/a.ts", "core/_parse.ts"),
    imp("cli/main.ts", "core/errors.ts"),
    imp("core/mod.ts", "core/_internal.ts"),
  ]);
  assert.equal(found.length, 3);
  assert.match(found[0]!, /^response\/a\.ts:1 imports core\/_parse\.ts: outside core, import/);
  assert.match(found[1]!, /^cli\/main\.ts:1 imports core\/errors\.ts/);
  assert.match(found[2]!, /core\/mod\.ts must not export the internal door/);
});

Deno.test("check:imports: a public entry re-exports no value from an underscore file", () => {
  const value = { from: "response/mod.ts", line: 9, to: "response/_actions.ts" };
  const found = ruleBreaks([{ ...value, reexport: { typeOnly: false } }]);
  assert.equal(found.length, 1);
  assert.match(found[0]!, /re-exports from an internal file; move it to a public one/);
  assert.deepEqual(ruleBreaks([{ ...value, reexport: { typeOnly: true } }]), [], "types may");
  assert.deepEqual(ruleBreaks([value]), [], "an import is not a re-export");
});

Deno.test("check:imports: products, live_response and the emulator keep their direction", () => {
  const found = ruleBreaks([
    imp("protection/a.ts", "response/b.ts"),
    imp("live_response/a.ts", "defense/b.ts"),
    imp("testing/a.ts", "core/mod.ts"),
    imp("response/a.ts", "live_response/mod.ts"),
  ]);
  assert.deepEqual(found.map((p) => p.split(": ").at(-1)), [
    "products never import each other",
    "live_response imports no product module",
    "the emulator imports nothing of the client",
  ]);
});

Deno.test("check:imports: the tree keeps every rule", async () => {
  const imports = await collect();
  assert.ok(imports.length > 500, "the walk found the imports");
  assert.ok(imports.some((i) => i.from === "response/api.ts" && i.to === "core/_internal.ts"));
  const typeOnly = imports.find((i) => i.from === "core/mod.ts" && i.to === "core/_encode.ts");
  assert.deepEqual(typeOnly?.reexport, { typeOnly: true }, "export type { ... } is seen as types");
  assert.deepEqual([...folderCycles(imports), ...ruleBreaks(imports)], []);
});

Deno.test("check:imports --fix moves core imports to the two doors", () => {
  const before = [
    'import { ApiError, installFields, type Model } from "../core/mod.ts";',
    'import { toInt } from "../core/_parse.ts";',
    'import type { Transport } from "../core/_transport.ts";',
    'import { Connection } from "../core/connection.ts";',
    'import { x } from "./x.ts";',
    'export { LiveResponseError } from "../core/errors.ts";',
    "",
  ].join("\n");
  assert.equal(
    fixImports(before),
    [
      'import { installFields, toInt, type Transport } from "../core/_internal.ts";',
      'import { ApiError, Connection, type Model } from "../core/mod.ts";',
      'import { x } from "./x.ts";',
      'export { LiveResponseError } from "../core/mod.ts";',
      "",
    ].join("\n"),
  );
  const clean =
    'import { ApiError } from "../core/mod.ts";\nimport { toInt } from "../core/_internal.ts";\n';
  assert.equal(fixImports(clean), clean, "nothing to move: unchanged");
});
