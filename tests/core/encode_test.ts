import assert from "node:assert/strict";
import {
  encodeJson,
  encodeQuery,
  flattenQuery,
  parseQuery,
  pythonStr,
  quotePath,
  quotePlus,
} from "../../core/_encode.ts";

Deno.test("encodeQuery() sorts pairs and form-encodes them exactly like the Python client [spec 24]", () => {
  const q = "process_name:net.exe cmdline:\\\\test\\blah";
  const qs = encodeQuery([
    ["q", q],
    ["cb.urlver", 1],
    ["facet", "false"],
    ["rows", 100],
    ["sort", "last_update desc"],
    ["start", 0],
  ]);
  assert.equal(
    qs,
    "cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&rows=100&sort=last_update+desc&start=0",
  );
});

Deno.test("encodeQuery() expands lists to repeated keys, sorted by key then value [spec 24]", () => {
  assert.equal(
    encodeQuery([["facet.field", ["process_name", "hostname"]], ["cb.urlver", 1]]),
    "cb.urlver=1&facet.field=hostname&facet.field=process_name",
  );
  assert.equal(encodeQuery([["a", [10, 9]]]), "a=9&a=10");
});

Deno.test("encodeQuery() keeps the order when sort is false", () => {
  assert.equal(encodeQuery([["b", 1], ["a", 2]], { sort: false }), "b=1&a=2");
});

Deno.test("encodeQuery() stringifies values Python-style and drops null values [spec 24]", () => {
  assert.equal(
    encodeQuery([["legacy", true], ["x", false], ["n", null], ["u", undefined], ["f", 1.5]]),
    "f=1.5&legacy=True&x=False",
  );
  assert.equal(pythonStr(true), "True");
  assert.equal(pythonStr(12n), "12");
});

Deno.test("quotePlus() keeps unreserved characters and encodes the rest as upper-case UTF-8", () => {
  assert.equal(quotePlus("A-z_0.9~"), "A-z_0.9~");
  assert.equal(quotePlus(`a b:*/"\\`), "a+b%3A%2A%2F%22%5C");
  assert.equal(quotePlus("é©😀"), "%C3%A9%C2%A9%F0%9F%98%80");
  assert.equal(quotePlus("+&="), "%2B%26%3D");
});

Deno.test("flattenQuery() expands lists and drops nulls in order", () => {
  assert.deepEqual(flattenQuery([["b", [1, null, 2]], ["a", "x"]]), [["b", 1], ["b", 2], [
    "a",
    "x",
  ]]);
});

Deno.test("quotePath() quotes like urllib.quote: %20 for space, slash kept", () => {
  assert.equal(
    quotePath("process_name:notepad.exe path:c:\\windows/x y"),
    "process_name%3Anotepad.exe%20path%3Ac%3A%5Cwindows/x%20y",
  );
  assert.equal(quotePath("é"), "%C3%A9");
});

Deno.test("parseQuery() decodes form text into ordered pairs, keeping blank values", () => {
  assert.deepEqual(
    parseQuery("?cb.urlver=1&q=is_executable_image%3Atrue&sort=server_added_timestamp%20desc&q="),
    [
      ["cb.urlver", "1"],
      ["q", "is_executable_image:true"],
      ["sort", "server_added_timestamp desc"],
      ["q", ""],
    ],
  );
  assert.deepEqual(parseQuery("a+b=c+d%2B&flag"), [["a b", "c d+"], ["flag", ""]]);
  assert.deepEqual(parseQuery("x=%E2%9C%93&y=100%&z=é"), [["x", "✓"], ["y", "100%"], ["z", "é"]]);
  assert.deepEqual(parseQuery(""), []);
});

Deno.test("parseQuery() round-trips encodeQuery()", () => {
  const params: Array<[string, string]> = [["a", "x y:/\\"], ["b", "é😀&="]];
  assert.deepEqual(parseQuery(encodeQuery(params)), params);
});

Deno.test("encodeJson() sorts keys recursively with Python separators [spec 23]", () => {
  assert.equal(
    encodeJson({ text: "banned from API", md5hash: "7FB5" }),
    '{"md5hash": "7FB5", "text": "banned from API"}',
  );
  assert.equal(
    encodeJson({ z: [3, { b: null, a: true }], a: { y: 1, x: "s" } }),
    '{"a": {"x": "s", "y": 1}, "z": [3, {"a": true, "b": null}]}',
  );
  assert.equal(
    encodeJson({ name: "get file", object: "C:\\test.txt", session_id: 1 }),
    '{"name": "get file", "object": "C:\\\\test.txt", "session_id": 1}',
  );
});

Deno.test("encodeJson() escapes non-ASCII and control characters like json.dumps", () => {
  assert.equal(encodeJson("© ®"), '"\\u00a9 \\u00ae"');
  assert.equal(encodeJson("😀"), '"\\ud83d\\ude00"');
  assert.equal(encodeJson('a"\n\r\t\b\f\x01\x7f/'), '"a\\"\\n\\r\\t\\b\\f\\u0001\\u007f/"');
});

Deno.test("encodeJson() follows JSON.stringify for undefined, dates, non-finite numbers and empty values", () => {
  assert.equal(encodeJson(undefined), "null");
  assert.equal(encodeJson(null), "null");
  assert.equal(encodeJson({ a: undefined, b: () => 1, c: 2 }), '{"c": 2}');
  assert.equal(encodeJson([undefined, NaN, Infinity]), "[null, null, null]");
  assert.equal(encodeJson(new Date(Date.UTC(2018, 1, 6))), '"2018-02-06T00:00:00.000Z"');
  assert.equal(encodeJson({}), "{}");
  assert.equal(encodeJson([]), "[]");
  assert.equal(encodeJson(3.5), "3.5");
  assert.equal(encodeJson(12345678901234567890n), "12345678901234567890");
  assert.equal(encodeJson({ b: [{}], a: [] }), '{"a": [], "b": [{}]}');
});

Deno.test("encodeJson() rejects cycles but allows repeated references", () => {
  const shared = { x: 1 };
  assert.equal(encodeJson({ a: shared, b: shared }), '{"a": {"x": 1}, "b": {"x": 1}}');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => encodeJson(cyclic), TypeError);
});
