import assert from "node:assert/strict";
import { compareVersions, parseLooseVersion, versionAtLeast } from "../../core/version.ts";

Deno.test("parseLooseVersion() splits numeric and alphabetic runs like LooseVersion", () => {
  assert.deepEqual(parseLooseVersion("6.2.0.171114.1158"), [6, 2, 0, 171114, 1158]);
  assert.deepEqual(parseLooseVersion("6.2.0-1"), [6, 2, 0, "-", 1]);
  assert.deepEqual(parseLooseVersion("5.1.0rc2"), [5, 1, 0, "rc", 2]);
  assert.deepEqual(parseLooseVersion(""), []);
});

Deno.test("compareVersions() compares numbers numerically and shorter prefixes as smaller", () => {
  assert.equal(compareVersions("6.2.0.171114.1158", "6.0.0"), 1);
  assert.equal(compareVersions("5.1.1", "5.1.0"), 1);
  assert.equal(compareVersions("5.1.0", "5.1.1"), -1);
  assert.equal(compareVersions("6.0.0", "6.0.0"), 0);
  assert.equal(compareVersions("6.0", "6.0.0"), -1);
  assert.equal(compareVersions("6.0.0", "6.0"), 1);
  assert.equal(compareVersions("10.0.0", "9.9.9"), 1);
  assert.equal(compareVersions("5.2.0", "5.10.0"), -1);
  assert.equal(compareVersions("5.1.0a", "5.1.0b"), -1);
  assert.equal(compareVersions("5.1.0", "5.1.0a"), -1);
  assert.equal(compareVersions("5.1.1", "5.1.a"), -1);
});

Deno.test("versionAtLeast() applies the server version gates", () => {
  const v = "6.2.0.171114.1158";
  assert.equal(versionAtLeast(v, "5.0"), true);
  assert.equal(versionAtLeast(v, "5.1.0"), true);
  assert.equal(versionAtLeast(v, "6.0.0"), true);
  assert.equal(versionAtLeast(v, "6.1.0"), true);
  assert.equal(versionAtLeast(v, "6.3.0"), false);
  assert.equal(versionAtLeast("6.0.0", "6.0.0"), true);
  assert.equal(versionAtLeast("5.2.0", "6.0.0"), false);
  assert.equal(versionAtLeast("4.2.5", "5.0"), false);
});
