// Runs an example script against an emulator as a user would: `deno run` with the narrowest
// permissions; over HTTPS through the `default` credential profile of a temporary HOME pinning the
// emulator's certificate, over plain HTTP with `--cburl emu.url --apitoken emu.token`.

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
  /** Leave out the connection (`--cburl`/`--apitoken`, or the HOME with the profile). */
  noConnect?: boolean;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** How a child process reaches the emulator; dispose to remove the temporary HOME. */
export interface ExampleConnection extends AsyncDisposable {
  /** Arguments to add (`--cburl`/`--apitoken` over plain HTTP, none over HTTPS). */
  args: string[];
  /** Environment to add (`HOME` over HTTPS). */
  env: Record<string, string>;
}

/**
 * How an example reaches the emulator as a user would: over HTTPS, the `[default]` profile of
 * `credentials.<product>` files in a temporary HOME, pinning the certificate with `ssl_cert_file`
 * (`--cburl`/`--apitoken` cannot name a certificate); over plain HTTP, `--cburl`/`--apitoken`.
 *
 * @param emu The emulator.
 * @param product Whose token `--apitoken` gives over plain HTTP.
 */
export async function exampleConnection(
  emu: CbEmulator,
  product: "response" | "protection" | "defense" = "response",
): Promise<ExampleConnection> {
  if (!emu.certFile) {
    const token = product === "defense" ? emu.defenseToken : emu.token;
    return {
      args: ["--cburl", emu.url, "--apitoken", token],
      env: {},
      async [Symbol.asyncDispose]() {},
    };
  }
  const home = await Deno.makeTempDir({ prefix: "cbapi-example-home-" });
  await Deno.mkdir(`${home}/.carbonblack`, { mode: 0o700 });
  for (const p of ["response", "protection", "defense"] as const) {
    const text = await Deno.readTextFile(await emu.credentialsFile(p));
    await Deno.writeTextFile(`${home}/.carbonblack/credentials.${p}`, text, { mode: 0o600 });
  }
  return {
    args: [],
    env: { HOME: home },
    async [Symbol.asyncDispose]() {
      await Deno.remove(home, { recursive: true });
    },
  };
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
  await using connection = options.noConnect ? undefined : await exampleConnection(emu);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-net=127.0.0.1",
      "--allow-env",
      ...(options.allow ?? ["--allow-read"]),
      script,
      ...(connection?.args ?? []),
      ...args,
    ],
    env: { NO_COLOR: "1", ...connection?.env, ...options.env },
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
