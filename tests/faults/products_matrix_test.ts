// The fault matrix of Cb Defense (with its Live Response) and Cb Protection: every operation
// (row) under every emulator fault (column), one test step per cell, each against its own
// emulator (see `_cell.ts` for what a cell checks).

import { FAULTS } from "./_faults.ts";
import type { Operation } from "./_operations.ts";
import { DEFENSE_OPERATIONS, PROTECTION_OPERATIONS } from "./_operations_products.ts";
import { cell, TRANSPORTS } from "./_cell.ts";

const SPEC_TAGS: Record<string, string> = {
  "Defense GET device by id": "[spec 9,18,26,262,329]",
  "Defense paging devices": "[spec 9,18,26,53,261,329]",
  "Defense Device save (PATCH)": "[spec 9,17,18,26,42,264,329]",
  "Defense Policy create (POST policyInfo)": "[spec 9,17,18,26,41,268,329]",
  "Defense policy rule add (POST)": "[spec 9,17,18,26,272,329]",
  "Defense Live Response command": "[spec 9,17,18,26,265,278,280,284,329]",
  "Protection GET computer by id": "[spec 9,18,26,223,329]",
  "Protection paging file instances": "[spec 9,18,26,53,220,329]",
  "Protection FileRule create (POST)": "[spec 9,17,18,26,41,238,329]",
  "Protection Computer update (PUT)": "[spec 9,18,26,42,223,329]",
};

function matrix<A>(ops: readonly Operation<A>[]): void {
  for (const op of ops) {
    Deno.test(`fault matrix: ${op.name} under every emulator fault ${SPEC_TAGS[op.name]}`, async (t) => {
      for (const transport of TRANSPORTS) {
        for (const fault of FAULTS) {
          if (fault.wrongCertificate && transport === "fetch") continue; // a pin is carried by node
          await t.step(`${transport}: ${fault.name}`, () => cell(op, fault, transport));
        }
      }
    });
  }
}

matrix(DEFENSE_OPERATIONS);
matrix(PROTECTION_OPERATIONS);
