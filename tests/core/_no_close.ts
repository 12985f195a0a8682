// deno-lint-ignore-file no-console
// Child of the "script that never closes" test: one request over the node transport (a pinned
// certificate), then nothing: the process must end by itself.

import { Connection } from "@cbapi/cbapi/core";

const [url, token, certFile] = Deno.args;
const conn = await Connection.open("response", {
  url: url!,
  token: token!,
  sslCertFile: certFile!,
});
await conn.getObject("/api/info");
console.log(conn.transport);
