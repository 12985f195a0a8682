/**
 * The wording of "profile not found" and "credential file not found" errors: which profiles the
 * files hold, the closest one to a typo'd name, and which explicit files do not exist.
 *
 * @module
 */

import { CredentialError } from "./errors.ts";
import type { IniDocument } from "./_ini.ts";

/** Edit distance between two short strings (profile names), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  let d = prev[y.length]!;
  // A swap of two neighbours ("defualt") counts as one edit.
  if (x.length === y.length) {
    const diff = [...x].flatMap((c, i) => c === y[i] ? [] : [i]);
    if (
      diff.length === 2 && diff[1] === diff[0]! + 1 && x[diff[0]!] === y[diff[1]!] &&
      x[diff[1]!] === y[diff[0]!]
    ) d = Math.min(d, 1);
  }
  return d;
}

/** The profile of `names` closest to `wanted`, when it is close enough to be a typo. */
export function closestProfile(wanted: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const name of names) {
    const d = distance(wanted, name);
    if (d < bestD) [best, bestD] = [name, d];
  }
  const limit = Math.max(1, Math.min(3, Math.floor(wanted.length / 3)));
  return bestD <= limit ? best : undefined;
}

/**
 * Throws when every explicitly given credential file is missing: "not found" is the real problem,
 * not the profile.
 */
export function assertExplicitFilesExist(
  files: readonly string[],
  docs: readonly { file: string }[],
): void {
  if (files.length === 0 || docs.length > 0) return;
  const list = files.map((f) => `"${f}"`).join(", ");
  throw new CredentialError(
    `Credential file${files.length > 1 ? "s" : ""} ${list} not found (credentialFile option). ` +
      `Check the path, or create the file with "deno task cbapi configure"`,
    { files: [...files] },
  );
}

/** The sentence after "Cannot find credential profile ...": profiles found and the closest. */
export function profileHint(
  profile: string,
  files: readonly string[],
  docs: readonly { file: string; doc: IniDocument }[],
): string {
  const names: string[] = [];
  for (const { doc } of docs) {
    for (const name of doc.sections.keys()) if (!names.includes(name)) names.push(name);
  }
  const missing = files.filter((f) => !docs.some((d) => d.file === f));
  const parts: string[] = [];
  if (docs.length === 0) {
    parts.push("none of these files exists");
  } else {
    parts.push(
      names.length === 0
        ? "the files hold no profile section"
        : `profiles found: ${names.map((n) => `[${n}]`).join(", ")}`,
    );
    const near = closestProfile(profile, names);
    if (near !== undefined) parts.push(`did you mean "${near}"?`);
    if (missing.length > 0) parts.push(`not found: ${missing.join(", ")}`);
  }
  return parts.join("; ");
}
