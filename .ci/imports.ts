// The import rules of the layout (DESIGN.md "Layout"), checked over the source text:
// 1. no import cycle between top-level folders (type-only imports count: they couple too);
// 2. outside core/, the library reaches core only through its two doors: `core/mod.ts` (the
//    public surface) and `core/_internal.ts` (what the products share with core, not exported);
//    tests/ and bench/ may reach any file (they test internals);
// 3. core/mod.ts does not export core/_internal.ts, and no mod.ts re-exports a value (a class,
//    a function) from an underscore file of its folder: public things live in public files;
// 4. the product folders (response, protection, defense) never import each other, and
//    live_response imports none of them;
// 5. testing/ (the emulator) imports nothing of the client (core, products, live_response).
//
// Usage: deno run --allow-read=. .ci/imports.ts   (deno task check:imports)
// It prints each broken rule with the importing file and line, and exits 1 when any is broken.
// With --fix (and --allow-write=.) it first rewrites the library's imports of core to the two
// doors (see fixImports); run `deno fmt` and `deno task check` after it.
// deno-lint-ignore-file no-console

const ROOT = new URL("../", import.meta.url);
const SKIP = new Set([".git", "node_modules", "coverage", ".ci"]);
/** Folders whose files may import any file of core/ (they test or measure internals). */
const ANY_CORE_FILE = new Set(["tests", "bench"]);
const CORE_DOORS = new Set(["core/mod.ts", "core/_internal.ts"]);
const PRODUCTS = ["response", "protection", "defense"];

interface Import {
  from: string; // importing file, relative to the root
  line: number;
  to: string; // imported file, relative to the root
  /** A re-export (`export ... from`), and whether it carries types only. */
  reexport?: { typeOnly: boolean };
}

/** Every .ts file below the root, relative paths. */
async function sourceFiles(dir = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(new URL(dir || ".", ROOT))) {
    if (SKIP.has(entry.name)) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await sourceFiles(path));
    else if (entry.isFile && /\.(ts|tsx|mts)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The map of bare specifiers to files, from deno.json `imports` (only local targets). */
async function importMap(): Promise<Map<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const map = new Map<string, string>();
  for (const [name, target] of Object.entries(config.imports ?? {})) {
    if (typeof target === "string" && target.startsWith("./")) map.set(name, target.slice(2));
  }
  return map;
}

// Static imports and re-exports (`import ... from "x"`, `import "x"`, `export ... from "x"`,
// `import type`), and dynamic `import("x")` with a literal specifier. Comments are blanked
// first so that examples in JSDoc do not count (they are doc tests, run as users' code).
const SPECIFIER =
  /\b(import|export)\s*(type\s+)?([\w*{}\s,$]*?\s*from\s*)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, " "));
}

function resolve(from: string, spec: string, map: Map<string, string>): string | undefined {
  if (spec.startsWith(".")) {
    const url = new URL(spec, new URL(from, "file:///root/"));
    return url.pathname.replace(/^\/root\//, "");
  }
  return map.get(spec); // npm:, node:, jsr: and unknown names are not files of ours
}

async function collect(): Promise<Import[]> {
  const map = await importMap();
  const imports: Import[] = [];
  for (const file of await sourceFiles()) {
    const text = blankComments(await Deno.readTextFile(new URL(file, ROOT)));
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[4] ?? m[5]!;
      const to = resolve(file, spec, map);
      if (!to) continue;
      const line = text.slice(0, m.index).split("\n").length;
      const imp: Import = { from: file, line, to };
      if (m[1] === "export") {
        const names = (m[3] ?? "").replace(/from\s*$/, "").replace(/[{}]/g, "").split(",")
          .map((n) => n.trim()).filter((n) => n !== "");
        const typeOnly = m[2] !== undefined ||
          (names.length > 0 && names.every((n) => n.startsWith("type ")));
        imp.reexport = { typeOnly };
      }
      imports.push(imp);
    }
  }
  return imports;
}

/** The top-level folder of a file (`.` for files at the root). */
function folder(path: string): string {
  const i = path.indexOf("/");
  return i < 0 ? "." : path.slice(0, i);
}

/** The folder cycles: for each cycle, its folders and one import of each edge. */
function folderCycles(imports: Import[]): string[] {
  const edges = new Map<string, Map<string, Import>>();
  for (const imp of imports) {
    const a = folder(imp.from);
    const b = folder(imp.to);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, imp);
  }
  // Tarjan's strongly connected components: a component of two or more folders is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) components.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return components.map((c) => {
    const inside = new Set(c);
    const shown = [...edges].flatMap(([a, targets]) =>
      inside.has(a)
        ? [...targets].filter(([b]) => inside.has(b)).map(([b, imp]) =>
          `    ${a} -> ${b}: ${imp.from}:${imp.line} imports ${imp.to}`
        )
        : []
    );
    return `import cycle between folders ${c.join(", ")}:\n${shown.join("\n")}`;
  });
}

function ruleBreaks(imports: Import[]): string[] {
  const out: string[] = [];
  for (const imp of imports) {
    const a = folder(imp.from);
    const b = folder(imp.to);
    const where = `${imp.from}:${imp.line} imports ${imp.to}`;
    if (b === "core" && a !== "core" && !ANY_CORE_FILE.has(a) && !CORE_DOORS.has(imp.to)) {
      out.push(
        `${where}: outside core, import core/mod.ts (public) or core/_internal.ts (internal) ` +
          `instead; add the name to core/_internal.ts if it is missing there`,
      );
    }
    if (imp.from === "core/mod.ts" && imp.to === "core/_internal.ts") {
      out.push(`${where}: core/mod.ts must not export the internal door`);
    }
    if (
      /(^|\/)mod\.ts$/.test(imp.from) && imp.reexport && !imp.reexport.typeOnly &&
      /(^|\/)_[^/]*$/.test(imp.to) && folder(imp.from) === b
    ) {
      out.push(
        `${where}: a public entry re-exports from an internal file; move it to a public one`,
      );
    }
    if (PRODUCTS.includes(a) && PRODUCTS.includes(b) && a !== b) {
      out.push(`${where}: products never import each other`);
    }
    if (a === "live_response" && PRODUCTS.includes(b)) {
      out.push(`${where}: live_response imports no product module`);
    }
    if (a === "testing" && ["core", "live_response", ".", ...PRODUCTS].includes(b)) {
      out.push(`${where}: the emulator imports nothing of the client`);
    }
  }
  return out;
}

/** Names core/mod.ts exported before they moved behind the internal door. */
const MOVED_FROM_MOD = new Set([
  "installFields",
  "readField",
  "writeField",
  "simpleMatch",
  "splitClause",
]);
/** The folders `--fix` rewrites (the library outside core; tests may import any core file). */
const FIX_FOLDERS = new Set([
  "response",
  "protection",
  "defense",
  "live_response",
  "events",
  "cli",
  "survey",
]);
const CORE_STATEMENT =
  /(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*"((?:\.\.\/)+)core\/([\w.]+)";?\n/g;

function byName(a: string, b: string): number {
  const key = (n: string) => n.replace(/^type\s+/, "").toLowerCase();
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function importLine(names: string[], path: string): string {
  const values = new Set(names.filter((n) => !n.startsWith("type ")));
  const kept = [...new Set(names)].filter((n) => !(n.startsWith("type ") && values.has(n.slice(5))))
    .sort(byName);
  if (kept.every((n) => n.startsWith("type "))) {
    return `import type { ${kept.map((n) => n.slice(5)).join(", ")} } from "${path}";\n`;
  }
  return `import { ${kept.join(", ")} } from "${path}";\n`;
}

/**
 * Rewrites one file's imports of core to the two doors: names from core's underscore files, and
 * the names core/mod.ts no longer exports, into one import of core/_internal.ts; names from
 * core's other public files into core/mod.ts. Run `deno fmt` afterwards.
 *
 * @param text The file.
 * @returns The rewritten file.
 */
export function fixImports(text: string): string {
  const internal: string[] = [];
  const pub: string[] = [];
  let up = "";
  let out = "";
  let at = 0;
  let internalSlot = false;
  let publicSlot = false;
  for (const m of text.matchAll(CORE_STATEMENT)) {
    const [whole, kind, typeWord, list, dots, file] = m as unknown as string[];
    if (file === "_internal.ts" && kind === "export") continue;
    const names = list!.split(",").map((n) => n.trim()).filter((n) => n !== "")
      .map((n) => typeWord && !n.startsWith("type ") ? `type ${n}` : n);
    out += text.slice(at, m.index);
    at = m.index! + whole!.length;
    if (kind === "export") {
      // A re-export of public names (a product's mod.ts): from core/mod.ts.
      out += file!.startsWith("_") ? whole : whole!.replace(`core/${file}`, "core/mod.ts");
      continue;
    }
    up = dots!;
    const moved = file === "mod.ts"
      ? names.filter((n) => MOVED_FROM_MOD.has(n.replace(/^type\s+/, "")))
      : file!.startsWith("_")
      ? names
      : [];
    const kept = names.filter((n) => !moved.includes(n));
    internal.push(...moved);
    pub.push(...kept);
    if (moved.length > 0 && !internalSlot) {
      out += "\u0000INTERNAL\u0000";
      internalSlot = true;
    }
    if (kept.length > 0 && !publicSlot) {
      out += "\u0000PUBLIC\u0000";
      publicSlot = true;
    }
  }
  out += text.slice(at);
  return out
    .replace(
      "\u0000INTERNAL\u0000",
      internal.length ? importLine(internal, `${up}core/_internal.ts`) : "",
    )
    .replace("\u0000PUBLIC\u0000", pub.length ? importLine(pub, `${up}core/mod.ts`) : "");
}

async function fixTree(): Promise<string[]> {
  const changed: string[] = [];
  for (const file of await sourceFiles()) {
    if (!FIX_FOLDERS.has(folder(file))) continue;
    const url = new URL(file, ROOT);
    const text = await Deno.readTextFile(url);
    const fixed = fixImports(text);
    if (fixed !== text) {
      await Deno.writeTextFile(url, fixed);
      changed.push(file);
    }
  }
  return changed;
}

if (import.meta.main) {
  if (Deno.args.includes("--fix")) {
    const changed = await fixTree();
    for (const f of changed) console.log(`rewrote the core imports of ${f}`);
    console.log(`${changed.length} file(s) rewritten; now run deno fmt, deno task check`);
  }
  const imports = await collect();
  const problems = [...folderCycles(imports), ...ruleBreaks(imports)];
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    console.error(
      `${problems.length} import rule(s) broken (see .ci/imports.ts for the rules; ` +
        `deno task fix:imports rewrites core imports)`,
    );
    Deno.exit(1);
  }
  const folders = new Set(imports.map((i) => folder(i.from)));
  console.log(`imports ok: ${imports.length} imports in ${folders.size} folders, no cycle`);
}

export { collect, folderCycles, ruleBreaks };
