// The fault matrix of Cb Response: every operation (row) under every emulator fault (column), one
// test step per cell, each against its own emulator (see `_cell.ts` for what a cell checks).

import { FAULTS } from "./_faults.ts";
import { OPERATIONS } from "./_operations.ts";
import { cell, TRANSPORTS } from "./_cell.ts";

const SPEC_TAGS: Record<string, string> = {
  "GET by id": "[spec 9,18,26,329]",
  "paging a query": "[spec 9,18,26,53,329]",
  "save() of a new object": "[spec 9,17,18,26,41,329]",
  "save() of an existing object": "[spec 9,18,26,42,329]",
  "bulk alert operation": "[spec 9,17,18,26,329]",
  "LR command": "[spec 9,17,18,26,284,329]",
  "LR job": "[spec 9,17,18,26,309,329]",
};

for (const op of OPERATIONS) {
  Deno.test(`fault matrix: ${op.name} under every emulator fault ${SPEC_TAGS[op.name]}`, async (t) => {
    for (const transport of TRANSPORTS) {
      for (const fault of FAULTS) {
        if (fault.wrongCertificate && transport === "fetch") continue; // a pin is carried by node
        await t.step(`${transport}: ${fault.name}`, () => cell(op, fault, transport));
      }
    }
  });
}
