// Runs `deno task emulator:admin` (testing/admin.ts, same permissions) against an emulator.

import type { CbEmulator } from "@cbapi/cbapi/testing";

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const ADMIN = new URL("../../testing/admin.ts", import.meta.url).pathname;

/** Runs `deno task emulator:admin` (the same command line) against the emulator. */
export async function admin(emu: CbEmulator, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      ADMIN,
      ...args,
    ],
    env: {
      NO_COLOR: "1",
      CBEMU_URL: emu.url,
      CBEMU_TOKEN: emu.token,
      ...(emu.certFile ? { CBEMU_CERT: emu.certFile } : {}),
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
