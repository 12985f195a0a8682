// deno-lint-ignore-file no-console
/**
 * Command line for the emulator:
 * `deno task emulator [--port N] [--tls] [--seed S] [--scale N] [--latency MS]`.
 * Prints one JSON line (`{"url", "token", "defenseToken", "certFile"?}`) on stdout, then serves
 * until SIGINT or SIGTERM.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CbEmulator, type EmulatorOptions } from "./mod.ts";

function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`--${name} must be a non-negative integer, got "${raw}"`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string" },
      tls: { type: "boolean", default: false },
      seed: { type: "string" },
      scale: { type: "string" },
      "server-version": { type: "string" },
      latency: { type: "string" },
    },
  });
  const options: EmulatorOptions = { tls: values.tls ?? false };
  const port = intOption("port", values.port);
  const seed = intOption("seed", values.seed);
  const scale = intOption("scale", values.scale);
  if (port !== undefined) options.port = port;
  if (seed !== undefined) options.seed = seed;
  if (scale !== undefined) options.scale = scale;
  const latency = intOption("latency", values.latency);
  if (latency !== undefined) options.latency = latency;
  if (values["server-version"]) options.serverVersion = values["server-version"];
  // Listen for signals before announcing the URL, so that a stop right after it is clean.
  const { promise, resolve } = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, resolve);
  try {
    await serve(options, promise);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, resolve);
  }
}

async function serve(options: EmulatorOptions, stop: Promise<void>): Promise<void> {
  const emu = await CbEmulator.start(options);
  const line: Record<string, string> = {
    url: emu.url,
    token: emu.token,
    defenseToken: emu.defenseToken,
  };
  if (emu.certFile) line.certFile = emu.certFile;
  console.log(JSON.stringify(line));
  await stop;
  await emu.close();
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exitCode = 1;
  }
}
