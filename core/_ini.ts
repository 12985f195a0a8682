/**
 * A small INI parser with the semantics of Python 3's `configparser.RawConfigParser` (strict
 * mode, the defaults cbapi 1.3.6 used), for credential files. Private to `core`.
 *
 * @module
 */

/** One parsed INI file. */
export interface IniDocument {
  /** Keys of the `[DEFAULT]` section, which apply under every other section. */
  defaults: Map<string, string>;
  /** Every other section, in file order, keyed by its exact (case-sensitive) name. */
  sections: Map<string, Map<string, string>>;
}

const DEFAULT_SECTION = "DEFAULT";
const SECTION_REGEXP = /^\[([^\]]+)\]/;
const OPTION_REGEXP = /^(.*?)\s*[=:]\s*(.*)$/;
const NON_SPACE_REGEXP = /\S/;
const NEWLINE_REGEXP = /\r\n|\n|\r/;

/**
 * Parses the text of an INI file the way Python's `RawConfigParser` does.
 *
 * - `[name]` starts a section; `[DEFAULT]` holds defaults for every section and is not a section.
 * - `key = value` and `key: value`: the first `=` or `:` splits; key and value are trimmed;
 *   keys are lower-cased; values are raw (no interpolation, no inline comments).
 * - Lines whose first non-blank character is `#` or `;` are comments.
 * - A line indented deeper than its key line continues the previous value (joined with `"\n"`);
 *   blank lines inside a continued value are kept, trailing ones are dropped.
 * - A UTF-8 byte order mark is ignored.
 *
 * Error messages name the file and line but never quote the line, which may hold a secret.
 *
 * @param text The file's text.
 * @param fileName The file's name, used in error messages.
 * @returns The sections and the defaults.
 * @throws {SyntaxError} A key line before any section, a line with no `=` or `:`, an empty key
 * name, a section or a key that appears twice in the file.
 *
 * @example Parse a profile (not run: this private module has no public import path)
 * ```ts ignore
 * import assert from "node:assert/strict";
 * const doc = parseIni("[default]\nurl = https://cb.example\n", "credentials.response");
 * assert.ok(doc.sections.get("default")?.get("url") === "https://cb.example");
 * ```
 */
export function parseIni(text: string, fileName: string): IniDocument {
  const defaults = new Map<string, string>();
  const sections = new Map<string, Map<string, string>>();
  const values = new Map<Map<string, string>, Map<string, string[]>>();
  const seenSections = new Set<string>();
  let current: Map<string, string[]> | undefined;
  let sectionName = "";
  let option: string[] | undefined;
  let indentLevel = 0;

  const lines = (text.startsWith("\uFEFF") ? text.slice(1) : text).split(NEWLINE_REGEXP);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const value = line.trim();
    if (value.startsWith("#") || value.startsWith(";")) return;
    if (value === "") {
      option?.push("");
      return;
    }
    const indent = line.search(NON_SPACE_REGEXP);
    if (current !== undefined && option !== undefined && indent > indentLevel) {
      option.push(value);
      return;
    }
    indentLevel = indent;
    option = undefined;
    const header = SECTION_REGEXP.exec(value);
    if (header) {
      sectionName = header[1] ?? "";
      const target = sectionName === DEFAULT_SECTION ? defaults : sections.get(sectionName);
      if (sectionName !== DEFAULT_SECTION && seenSections.has(sectionName)) {
        throw fail(fileName, lineNo, `section "[${sectionName}]" appears twice in the file`);
      }
      seenSections.add(sectionName);
      const section = target ?? new Map<string, string>();
      if (target === undefined) sections.set(sectionName, section);
      current = values.get(section) ?? new Map<string, string[]>();
      values.set(section, current);
      return;
    }
    if (current === undefined) {
      throw fail(fileName, lineNo, "a key appears before any [section] header");
    }
    const match = OPTION_REGEXP.exec(value);
    if (!match) throw fail(fileName, lineNo, 'the line has no "=" or ":" separator');
    const key = (match[1] ?? "").trimEnd().toLowerCase();
    if (key === "") throw fail(fileName, lineNo, "the key name is empty");
    if (current.has(key)) {
      throw fail(fileName, lineNo, `key "${key}" appears twice in section "[${sectionName}]"`);
    }
    option = [(match[2] ?? "").trim()];
    current.set(key, option);
  });

  for (const [section, raw] of values) {
    for (const [key, parts] of raw) section.set(key, parts.join("\n").trimEnd());
  }
  return { defaults, sections };
}

function fail(fileName: string, lineNo: number, problem: string): SyntaxError {
  return new SyntaxError(`Cannot parse "${fileName}" at line ${lineNo}: ${problem}`);
}
