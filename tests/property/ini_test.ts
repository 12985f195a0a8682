// Property tests of the credential-file INI parser (core/_ini.ts): generated files parse back to
// the sections, keys and values they were written from, and any text either parses or fails
// with a SyntaxError that never quotes the file's content.

import assert from "node:assert/strict";
import { parseIni } from "../../core/_ini.ts";
import { check, fc, typedOrNothing } from "./_fc.ts";

/** 1,500 generated files + 1,500 arbitrary texts + 1,000 malformed files with a secret. */
export const INI_CASES = 4_000;

const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_ .-]{0,11}$/)
  .map((s) => s.trim())
  .filter((s) => s !== "" && s !== "DEFAULT");
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const valueText = fc.stringMatching(/^[!-~][ -~]{0,30}$/);
const separator = fc.constantFrom("=", " = ", ": ", " :", "\t=\t", ":");
const continuation = fc.array(fc.stringMatching(/^[!-"$-:<-~][ -~]{0,12}$/), { maxLength: 2 });
const noise = fc.constantFrom("", "# a comment", "; another = comment", "   ", "\t# indented");

interface Entry {
  key: string;
  upper: boolean[];
  sep: string;
  value: string;
  more: string[];
  after: string;
}

const entry: fc.Arbitrary<Entry> = fc.record({
  key,
  upper: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  sep: separator,
  value: valueText,
  more: continuation,
  after: noise,
});

const section = fc.record({
  name,
  entries: fc.uniqueArray(entry, { selector: (e) => e.key, maxLength: 5 }),
});

const file = fc.record({
  defaults: fc.option(fc.uniqueArray(entry, { selector: (e) => e.key, maxLength: 3 })),
  sections: fc.uniqueArray(section, { selector: (s) => s.name, maxLength: 4 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
});

function keyText(e: Entry): string {
  return [...e.key].map((c, i) => (e.upper[i] ? c.toUpperCase() : c)).join("");
}

function render(entries: Entry[]): string[] {
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${keyText(e)}${e.sep}${e.value}`);
    for (const m of e.more) lines.push(`    ${m}`);
    if (e.after !== "   " && e.after !== "" && !e.after.startsWith("\t")) lines.push(e.after);
  }
  return lines;
}

function expected(entries: Entry[]): Map<string, string> {
  return new Map(
    entries.map((e) => [e.key, [e.value.trim(), ...e.more.map((m) => m.trim())].join("\n")]),
  );
}

Deno.test("parseIni reads back every generated file: sections, DEFAULT, case, separators, continuations", async () => {
  await check(
    fc.property(file, (f) => {
      const lines: string[] = ["# generated"];
      if (f.defaults) lines.push("[DEFAULT]", ...render(f.defaults));
      for (const s of f.sections) lines.push("", `[${s.name}]`, ...render(s.entries));
      const text = (f.bom ? "\uFEFF" : "") + lines.join(f.crlf ? "\r\n" : "\n") + "\n";
      const doc = parseIni(text, "credentials.response");
      assert.deepEqual(doc.defaults, expected(f.defaults ?? []));
      assert.deepEqual([...doc.sections.keys()], f.sections.map((s) => s.name));
      for (const s of f.sections) assert.deepEqual(doc.sections.get(s.name), expected(s.entries));
    }),
    1_500,
  );
});

Deno.test("parseIni on any text returns a document or throws SyntaxError, nothing else", async () => {
  const line = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      "[a]",
      "[DEFAULT]",
      "[]",
      "k=v",
      " indented",
      "=v",
      ":",
      "#",
      "[b",
      "\r",
      "\uFEFF",
    ),
  );
  await check(
    fc.property(
      fc.array(line, { maxLength: 12 }),
      fc.constantFrom("\n", "\r\n", "\r"),
      (ls, nl) => {
        const out = typedOrNothing(() => parseIni(ls.join(nl), "f.ini"), [SyntaxError], "parseIni");
        if (!(out instanceof Error)) {
          for (const values of [out.defaults, ...out.sections.values()]) {
            for (const k of values.keys()) assert.equal(k, k.toLowerCase());
          }
        } else {
          assert.match(out.message, /^Cannot parse "f\.ini" at line \d+: /);
        }
      },
    ),
    1_500,
  );
});

Deno.test("a parse error never quotes the line that holds a secret", async () => {
  const secret = fc.stringMatching(/^[0-9a-f]{40}$/);
  const broken = fc.constantFrom(
    (s: string) => `[default]\nurl = https://cb.example\n${s}\n`,
    (s: string) => `token = ${s}\n[default]\n`,
    (s: string) => `[default]\ntoken = ${s}\ntoken = ${s}\n`,
    (s: string) => `[default]\n= ${s}\n`,
    (s: string) => `[default]\n[default]\ntoken=${s}\n`,
  );
  await check(
    fc.property(secret, broken, (s, make) => {
      const error = typedOrNothing(
        () => parseIni(make(s), "credentials"),
        [SyntaxError],
        "parseIni",
      );
      assert.ok(error instanceof SyntaxError, "the file is refused");
      assert.ok(!error.message.includes(s), error.message);
    }),
    1_000,
  );
});
