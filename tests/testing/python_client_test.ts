// A Python HTTP client (the standard library's urllib, as the Python cbapi's `requests` would)
// makes the first requests of `CbResponseAPI()` against the emulator over TLS, trusting the
// emulator's certificate file the way `ssl_cert_file` / `verify=cert.pem` does.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";

const SCRIPT = String.raw`
import json, ssl, sys, urllib.request
url, token, cafile = sys.argv[1], sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
def get(path):
    req = urllib.request.Request(url + path, headers={"X-Auth-Token": token, "User-Agent": "cbapi/1.3.6 Python/3.11.7"})
    with urllib.request.urlopen(req, context=ctx) as res:
        return res.status, res.headers.get("Content-Type"), json.loads(res.read().decode("utf-8"))
out = {}
status, ctype, info = get("/api/info")
out["info"] = [status, ctype, info["version"], info["cblrEnabled"]]
status, _, parts = get("/api/v1/storage/events/partition")
out["partitions"] = [status, all("name" in p and isinstance(p.get("info"), dict) for p in parts.values())]
status, _, sensor = get("/api/v1/sensor/1")
out["sensor"] = [status, sensor["computer_name"], sensor["network_adapters"], sensor["is_isolating"]]
status, _, count = get("/api/v1/process?cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&rows=0&start=0")
out["count"] = [status, count["total_results"], count["results"]]
status, _, page = get("/api/v1/process?cb.group=id&cb.urlver=1&facet=false&q=process_name%3Anet.exe&rows=100&sort=last_update+desc&start=0")
row = page["results"][0]
out["row"] = [status, len(row["id"]), int(row["segment_id"]) >= 0, "start" in row, "process_pid" in row]
try:
    get("/api/v1/sensor/424242")
except urllib.error.HTTPError as e:
    out["missing"] = e.code
print(json.dumps(out))
`;

Deno.test("a Python HTTP client gets the answers CbResponseAPI() needs, over the emulator's TLS [spec 321]", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const { code, stdout, stderr } = await new Deno.Command("python3", {
    args: ["-c", SCRIPT, emu.url, emu.token, emu.certFile!],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const out = JSON.parse(new TextDecoder().decode(stdout));
  assert.deepEqual(out.info, [200, "application/json", "6.2.0.171114.1158", true]);
  assert.deepEqual(out.partitions, [200, true]);
  assert.deepEqual(out.sensor, [200, "WIN7-HYPERV-2", "192.168.1.163,00155d019c08|", false]);
  assert.deepEqual(out.count, [200, 2, []]);
  assert.deepEqual(out.row, [200, 36, true, true, true]);
  assert.equal(out.missing, 404);
  const ua = emu.requests.map((r) => r.headers["user-agent"]);
  assert.ok(ua.every((u) => u === "cbapi/1.3.6 Python/3.11.7"));
  assert.ok(emu.requests.every((r) => r.authenticated));
});
