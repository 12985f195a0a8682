// Runs `deno task emulator:admin` (testing/admin.ts, same permissions) against an emulator.

import type { CbEmulator } from "@cbapi/cbapi/testing";
import { READ_ONLY, runScript, type ScriptRun } from "../_child.ts";

const ADMIN = new URL("../../testing/admin.ts", import.meta.url);

/** Runs `deno task emulator:admin` (the same command line) against the emulator. */
export async function admin(
  emu: CbEmulator,
  args: string[],
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  return await runScript(ADMIN, args, {
    allow: READ_ONLY,
    env: {
      NO_COLOR: "1",
      CBEMU_URL: emu.url,
      CBEMU_TOKEN: emu.token,
      ...(emu.certFile ? { CBEMU_CERT: emu.certFile } : {}),
      ...env,
    },
  });
}
