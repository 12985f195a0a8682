// Runs an example script against an emulator as a user would: `deno run` with the narrowest
// permissions, `--cburl emu.url --apitoken emu.token`.

import type { CbEmulator } from "@cbapi/cbapi/testing";

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** The outcome of one run. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@linkcode runExample}. */
export interface RunOptions {
  /** Extra `deno run` permission flags (beyond `--allow-net=127.0.0.1 --allow-env`). */
  allow?: string[];
  /** Working directory. */
  cwd?: string;
  /** Text on stdin. */
  stdin?: string;
  /** Leave out `--cburl`/`--apitoken`. */
  noConnect?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * Runs `examples/{path}` with the given arguments against the emulator.
 *
 * @param emu The emulator.
 * @param path Path under `examples/`.
 * @param args Script arguments.
 * @param options Permissions, cwd, stdin.
 * @returns Exit code and output.
 */
export async function runExample(
  emu: CbEmulator,
  path: string,
  args: string[],
  options: RunOptions = {},
): Promise<Run> {
  const script = new URL(`../../examples/${path}`, import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-net=127.0.0.1",
      "--allow-env",
      ...(options.allow ?? ["--allow-read"]),
      script,
      ...(options.noConnect ? [] : ["--cburl", emu.url, "--apitoken", emu.token]),
      ...args,
    ],
    env: { NO_COLOR: "1", ...options.env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** The emulator's requests from index `from` on, as `METHOD url`. */
export function requestLines(emu: CbEmulator, from = 0): string[] {
  return emu.requests.slice(from).map((r) => `${r.method} ${r.url}`);
}

/** A temporary directory removed on dispose. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "cbapi-example-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}
