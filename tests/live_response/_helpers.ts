// Live Response test set-up: an emulator, a Cb Response API with tiny poll intervals, and
// helpers to read what the emulator received.

import type { CbEmulator, EmulatorOptions } from "@cbapi/cbapi/testing";
import { type Fixture, responseFixture } from "../_helpers.ts";

/** Tiny intervals so tests never sleep for long. */
export const FAST = {
  sessionPollIntervalMs: 2,
  commandPollIntervalMs: 2,
  keepaliveIntervalMs: 5,
} as const;

/** An emulator and a connected API whose Live Response polls every 2 ms. */
export async function lrFixture(emulator: EmulatorOptions = {}): Promise<Fixture> {
  const fx = await responseFixture(emulator);
  fx.cb.liveResponse.configure(FAST);
  return fx;
}

/** `METHOD url body` of the Live Response requests received since `from`. */
export function lrRequests(emu: CbEmulator, from = 0): string[] {
  return emu.requests.slice(from)
    .filter((r) => r.path.includes("/cblr"))
    .map((r) => `${r.method} ${r.url}${r.body ? ` ${r.body}` : ""}`);
}

/** Waits (in 2 ms steps, at most `limitMs`) until `check` holds. */
export async function until(check: () => boolean, limitMs = 2_000): Promise<boolean> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 2));
  }
  return true;
}

/** Decodes bytes as UTF-8. */
export function utf8(bytes: Uint8Array | undefined): string {
  return new TextDecoder().decode(bytes ?? new Uint8Array());
}
