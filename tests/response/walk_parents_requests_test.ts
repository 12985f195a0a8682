// A deliberate request difference from the Python client (README "Differences"): walkParents on a
// search row starts from the row's parent_unique_id, where Python first GETs the row's summary.

import assert from "node:assert/strict";
import { Process } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("walkParents() on a search row asks for the parent first, never for the row's own summary", async () => {
  await using f = await responseFixture();
  const row = await f.cb.select(Process).where("process_name:net.exe").first();
  assert.ok(row?.parent_unique_id, "the row carries its parent's id");
  const parentGuid = row.parent_unique_id.slice(0, 36);
  const n = f.emu.requests.length;
  let seen = 0;
  await row.walkParents(() => {
    seen++;
  });
  const sent = requestsSince(f.emu, n);
  assert.ok(seen > 0);
  assert.ok(sent[0]?.startsWith(`GET /api/v1/process/${parentGuid}/`), sent[0]);
  assert.ok(
    !sent.some((r) => r.startsWith(`GET /api/v1/process/${row.uniqueId}/`)),
    "no summary request for the row itself",
  );
});
