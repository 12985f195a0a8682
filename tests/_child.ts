// Child processes of the tests: a script of this repository under `deno run` with the project's
// config and the test permissions (loopback network only), and the emulator's command line
// (`testing/main.ts`) started until its JSON line, then stopped by a signal.

/** The project's deno.json (import map for `@cbapi/cbapi/...`). */
export const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** The emulator's command line. */
export const EMULATOR_MAIN = new URL("../testing/main.ts", import.meta.url).pathname;

/** Options of {@linkcode denoRun}: the child's pipes and environment, and `--allow-sys`. */
export interface DenoRunOptions
  extends Pick<Deno.CommandOptions, "env" | "stdin" | "stdout" | "stderr"> {
  /** Whether to pass `--allow-sys` (default true). */
  allowSys?: boolean;
}

/**
 * A `deno run` of a script with the test permissions: `--allow-net=127.0.0.1`, read, write,
 * env (and sys unless `allowSys: false`). stdout and stderr are piped unless given.
 *
 * @param script The script's path (or a URL relative to the caller resolved by it).
 * @param args The script's arguments.
 * @param options Pipes, environment, `allowSys`.
 */
export function denoRun(
  script: string | URL,
  args: readonly string[] = [],
  options: DenoRunOptions = {},
): Deno.Command {
  const { allowSys = true, ...io } = options;
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      ...(allowSys ? ["--allow-sys"] : []),
      script instanceof URL ? script.pathname : script,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    ...io,
  });
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
