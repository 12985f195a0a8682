// Run by token_scan_test.ts in a child process with CBAPI_DEBUG=1 and the credentials in
// CBAPI_URL / CBAPI_TOKEN: exercises requests, a save, errors and retries so that every debug
// and warning line the library writes to stderr can be scanned for the token.

import { BannedHash, CbResponseAPI, Sensor, User } from "@cbapi/cbapi/response";

const cb = await CbResponseAPI.connect({ retryBaseDelayMs: 1, maxRetryDelayMs: 2 });
try {
  await cb.select(Sensor, 3);
  const user = await cb.select(User, "admin");
  user.first_name = "Debug";
  await user.save();
  const bh = cb.create(BannedHash);
  bh.md5hash = "00112233445566778899AABBCCDDEEFF";
  bh.text = "debug run";
  await bh.save();
  await cb.select(Sensor, 999_999).catch((e: unknown) => e);
  await cb.connection.requestJson("POST", "/api/v1/banning/blacklist", {
    json: { md5hash: "bad", token: Deno.env.get("CBAPI_TOKEN"), password: "hunter2" },
  }).catch((e: unknown) => e);
} finally {
  await cb.close();
}
