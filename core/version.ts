/**
 * Loose version comparison, the rules of Python's `distutils.version.LooseVersion` that cbapi
 * uses for every server version gate (`6.2.0.171114.1158 >= 6.0.0`).
 *
 * ```ts
 * import { versionAtLeast } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(versionAtLeast("6.2.0.171114.1158", "6.0.0"), true);
 * ```
 *
 * @module
 */

const COMPONENT_REGEXP = /(\d+|[a-z]+|\.)/;

/** One component of a parsed loose version: a number or a run of other characters. */
export type VersionComponent = number | string;

/**
 * Splits a version string into components the way `LooseVersion` does: runs of digits become
 * numbers, runs of lower-case letters and any other text between them become strings, and dots
 * are dropped.
 *
 * @param version The version text, e.g. `6.2.0.171114.1158` or `5.1.0-rc1`.
 * @returns The components.
 *
 * @example Split a server version
 * ```ts
 * import { parseLooseVersion } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseLooseVersion("6.2.0-rc1"), [6, 2, 0, "-", "rc", 1]);
 * ```
 */
export function parseLooseVersion(version: string): VersionComponent[] {
  const components: VersionComponent[] = [];
  for (const part of version.split(COMPONENT_REGEXP)) {
    if (part === "" || part === ".") continue;
    components.push(/^\d+$/.test(part) ? Number(part) : part);
  }
  return components;
}

function _compareComponent(a: VersionComponent, b: VersionComponent): -1 | 0 | 1 {
  if (typeof a === "number" && typeof b === "string") return -1;
  if (typeof a === "string" && typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares two versions with `LooseVersion` semantics: components are compared in order,
 * numbers numerically and text by code units; when one version is a prefix of the other the
 * shorter one is smaller (`6.0 < 6.0.0`). Where Python 3 would fail comparing a number with
 * text, a number counts as smaller (the Python 2 order).
 *
 * @param a The first version.
 * @param b The second version.
 * @returns `-1` when `a < b`, `0` when equal, `1` when `a > b`.
 *
 * @example Compare server versions
 * ```ts
 * import { compareVersions } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(compareVersions("5.1.1", "5.1.0"), 1);
 * assert.equal(compareVersions("6.0.0", "6.0.0"), 0);
 * assert.equal(compareVersions("6.0", "6.0.0"), -1);
 * ```
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const x = parseLooseVersion(a);
  const y = parseLooseVersion(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const c = _compareComponent(x[i]!, y[i]!);
    if (c !== 0) return c;
  }
  return x.length < y.length ? -1 : x.length > y.length ? 1 : 0;
}

/**
 * Tells whether a version is at least a minimum, with the rules of
 * {@linkcode compareVersions}.
 *
 * @param version The version to test, e.g. a server's `6.2.0.171114.1158`.
 * @param minimum The lowest accepted version, e.g. `6.0.0`.
 * @returns `true` when `version >= minimum`.
 *
 * @example Gate a feature on the server version
 * ```ts
 * import { versionAtLeast } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(versionAtLeast("6.2.0.171114.1158", "6.0.0"), true);
 * assert.equal(versionAtLeast("5.2.0", "6.0.0"), false);
 * ```
 */
export function versionAtLeast(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) >= 0;
}
