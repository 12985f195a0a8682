// Child processes of the tests: a script of this repository under `deno run` with the project's
// config and the test permissions (loopback network only), run to its end or read as it runs,
// and the emulator's command line (`testing/main.ts`) started until its JSON line, then stopped
// by a signal.

/** The project's deno.json (import map for `@cbapi/cbapi/...`). */
export const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** The emulator's command line. */
export const EMULATOR_MAIN = new URL("../testing/main.ts", import.meta.url).pathname;

/** The permissions of test children: loopback network, read, write, env, sys. */
export const TEST_PERMISSIONS: readonly string[] = [
  "--allow-net=127.0.0.1",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
];

/** {@linkcode TEST_PERMISSIONS} without `--allow-sys` (scripts documented to run without it). */
export const NO_SYS: readonly string[] = TEST_PERMISSIONS.filter((f) => f !== "--allow-sys");

/** Loopback network, read and env only (scripts that write nothing). */
export const READ_ONLY: readonly string[] = [
  "--allow-net=127.0.0.1",
  "--allow-read",
  "--allow-env",
];

/** Options of {@linkcode denoRun}: the child's permissions, pipes, environment and folder. */
export interface DenoRunOptions
  extends Pick<Deno.CommandOptions, "env" | "stdin" | "stdout" | "stderr" | "cwd"> {
  /** The permission flags (default {@linkcode TEST_PERMISSIONS}). */
  allow?: readonly string[];
}

/**
 * A `deno run` of a script with the project's config and the test permissions. stdout and
 * stderr are piped unless given.
 *
 * @param script The script's path or file URL.
 * @param args The script's arguments.
 * @param options Permissions, pipes, environment, folder.
 */
export function denoRun(
  script: string | URL,
  args: readonly string[] = [],
  options: DenoRunOptions = {},
): Deno.Command {
  const { allow = TEST_PERMISSIONS, ...io } = options;
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      ...allow,
      script instanceof URL ? script.pathname : script,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    ...io,
  });
}

/** What a child printed, and its exit code. */
export interface ScriptRun {
  /** The exit code. */
  code: number;
  /** Its stdout, as text. */
  stdout: string;
  /** Its stderr, as text. */
  stderr: string;
}

/**
 * Runs a script to its end (see {@linkcode denoRun}), giving it `input` on stdin (then closed).
 *
 * @param script The script's path or file URL.
 * @param args The script's arguments.
 * @param options Permissions, environment, folder, and the stdin text.
 */
export async function runScript(
  script: string | URL,
  args: readonly string[] = [],
  options: Omit<DenoRunOptions, "stdin" | "stdout" | "stderr"> & { input?: string } = {},
): Promise<ScriptRun> {
  const { input = "", ...rest } = options;
  const child = denoRun(script, args, { ...rest, stdin: "piped" }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/**
 * The emulator's command line (`testing/main.ts`) with these arguments.
 *
 * @param args Emulator flags.
 * @param options Pipes.
 */
export function emulatorCli(args: readonly string[], options: DenoRunOptions = {}): Deno.Command {
  return denoRun(EMULATOR_MAIN, args, options);
}

/**
 * A reader of a child's output as text.
 *
 * @param stream The stream (stdout or stderr of a child).
 */
export function textReader(
  stream: ReadableStream<Uint8Array>,
): ReadableStreamDefaultReader<string> {
  return stream.pipeThrough(new TextDecoderStream()).getReader();
}

/**
 * Reads until `pattern` matches what was read.
 *
 * @param reader The reader (see {@linkcode textReader}).
 * @param pattern What to wait for.
 * @returns The text read.
 * @throws {Error} When the output ends first.
 */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
): Promise<string> {
  let text = "";
  while (!pattern.test(text)) {
    const { done, value } = await reader.read();
    if (done) {
      throw new Error(`the child's output ended before ${pattern}: ${JSON.stringify(text)}`);
    }
    text += value;
  }
  return text;
}

/** An emulator started from its command line, with the JSON line it printed. */
export interface EmulatorProcess extends AsyncDisposable {
  /** The child process. */
  child: Deno.ChildProcess;
  /** The first line of stdout, parsed (`url`, `token`, `defenseToken`, `certFile`, ...). */
  info: Record<string, string>;
  /**
   * Sends a signal, waits for the exit, and returns the exit code and what stdout printed after
   * the JSON line.
   */
  stop(signal?: Deno.Signal): Promise<{ code: number; rest: string }>;
}

/**
 * Starts `testing/main.ts` with these flags and reads its JSON line. Disposing it stops it with
 * SIGTERM if {@linkcode EmulatorProcess.stop} was not called.
 *
 * @param args Emulator flags.
 * @param options `stderr` (default `"null"`).
 */
export async function startEmulatorCli(
  args: readonly string[],
  options: Pick<DenoRunOptions, "stderr"> = {},
): Promise<EmulatorProcess> {
  const child = emulatorCli(args, { stderr: "null", ...options }).spawn();
  const reader = textReader(child.stdout);
  let stopped: Promise<{ code: number; rest: string }> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") =>
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* already ended */ }
      const { code } = await child.status;
      let rest = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest += value;
      }
      if (options.stderr === "piped") await child.stderr.cancel();
      return { code, rest };
    })();
  try {
    const text = await readUntil(reader, /\n/);
    const [line, ...after] = text.split("\n");
    const info = JSON.parse(line!) as Record<string, string>;
    return {
      child,
      info,
      stop: async (signal) => {
        const { code, rest } = await stop(signal);
        return { code, rest: after.join("\n") + rest };
      },
      async [Symbol.asyncDispose]() {
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
