/**
 * The interactive Live Response shell shared by the Cb Response and Cb Defense `cblr_cli`
 * examples (the Python `CblrCli`).
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { ApiError } from "@cbapi/cbapi/core";
import { LiveResponseSession } from "@cbapi/cbapi/live-response";

/** Opens a session on the sensor or device a `connect` argument names. */
export type OpenSession = (
  target: string,
  options: { pollIntervalMs?: number },
) => Promise<{ session: LiveResponseSession; osType: number | undefined }>;

/** The shell's state: how to open sessions, the open session and the working directory. */
export class Shell {
  /** Opens a session for `connect`. */
  open: OpenSession;
  /** The open session, if any. */
  session: LiveResponseSession | undefined;
  /** The remote working directory. */
  cwd = "";
  /** Poll interval for the session, in milliseconds. */
  pollInterval: number | undefined;

  /**
   * Builds a shell.
   *
   * @param open Opens a session for `connect`.
   * @param pollInterval Poll interval in milliseconds.
   */
  constructor(open: OpenSession, pollInterval: number | undefined) {
    this.open = open;
    this.pollInterval = pollInterval;
  }

  #need(): LiveResponseSession {
    if (!this.session) {
      throw new ApiError("Not connected: run `connect <sensor id or hostname>` first");
    }
    return this.session;
  }

  #path(arg: string | undefined): string {
    const s = this.#need();
    if (!arg) return this.cwd;
    const windows = s.osType === 1;
    if (windows ? /^[A-Za-z]:|^\\/.test(arg) : arg.startsWith("/")) return arg;
    const sep = windows ? "\\" : "/";
    const parts = s.pathJoin(this.cwd, arg).split(/[\\/]/);
    const out: string[] = [];
    for (const p of parts) {
      if (p === "..") out.length > 1 && out.pop();
      else if (p !== "." && p !== "") out.push(p);
    }
    return windows ? out.join(sep) + (out.length === 1 ? sep : "") : `/${out.join("/")}`;
  }

  /**
   * Runs one command line.
   *
   * @param line The command.
   * @returns False on `exit`.
   */
  async run(line: string): Promise<boolean> {
    const [cmd = "", ...args] = splitArgs(line);
    switch (cmd.toLowerCase()) {
      case "":
        return true;
      case "exit":
      case "quit":
        return false;
      case "connect": {
        await this.session?.close();
        this.session = undefined;
        const target = args[0] ?? "";
        const { session, osType } = await this.open(
          target,
          this.pollInterval ? { pollIntervalMs: this.pollInterval } : {},
        );
        this.session = session;
        this.cwd = String(
          this.session.sessionData.current_working_directory ??
            (osType === 1 ? "C:\\" : "/"),
        );
        console.log(
          `Session: ${this.session.sessionId}\n  Available Drives: ${
            (this.session.sessionData.drives ?? []).join(" ")
          }`,
        );
        return true;
      }
      case "detach":
        await this.session?.close();
        this.session = undefined;
        return true;
      case "pwd":
        this.#need();
        console.log(this.cwd);
        return true;
      case "cd": {
        const dir = this.#path(args[0]);
        await this.#need().listDirectory(this.#need().pathJoin(dir, "*"));
        this.cwd = dir;
        return true;
      }
      case "dir":
      case "ls": {
        const dir = this.#path(args[0]);
        console.log(`Directory: ${dir}\n`);
        for (const f of await this.#need().listDirectory(this.#need().pathJoin(dir, "*"))) {
          const when = new Date(f.last_write_time * 1000).toISOString().slice(0, 19).replace(
            "T",
            " ",
          );
          const kind = f.attributes.includes("DIRECTORY") ? "<DIR>" : String(f.size).padStart(5);
          console.log(`${when}  ${kind.padStart(10)}  ${f.filename}`);
        }
        return true;
      }
      case "cat":
        console.log(LiveResponseSession.text(await this.#need().getFile(this.#path(args[0]))));
        return true;
      case "get": {
        const stream = await this.#need().getRawFile(this.#path(args[0]));
        const file = await Deno.create(args[1] ?? "download.bin");
        await stream.pipeTo(file.writable);
        return true;
      }
      case "put":
        await this.#need().putFile((await Deno.open(args[0] ?? "")).readable, this.#path(args[1]));
        return true;
      case "del":
        await this.#need().deleteFile(this.#path(args[0]));
        return true;
      case "mkdir":
        await this.#need().createDirectory(this.#path(args[0]));
        return true;
      case "ps": {
        const verbose = args.includes("-v");
        const at = args.indexOf("-p");
        const pid = at >= 0 ? Number(args[at + 1]) : undefined;
        for (const p of await this.#need().listProcesses()) {
          if (pid !== undefined && p.pid !== pid) continue;
          console.log(
            verbose
              ? `${p.pid}\t${p.parent}\t${p.username}\t${p.command_line}`
              : `${p.pid}\t${p.path}`,
          );
        }
        return true;
      }
      case "exec": {
        const options: {
          remoteOutputFileName?: string;
          waitForOutput?: boolean;
          workingDirectory?: string;
        } = {
          waitForOutput: false,
        };
        let i = 0;
        for (; i < args.length; i++) {
          if (args[i] === "-o") options.remoteOutputFileName = args[++i]!;
          else if (args[i] === "-w") options.waitForOutput = true;
          else if (args[i] === "-d") options.workingDirectory = args[++i]!;
          else break;
        }
        const out = await this.#need().createProcess(args.slice(i).join(" "), options);
        if (out) console.log(LiveResponseSession.text(out).trimEnd());
        return true;
      }
      case "kill":
        console.log(
          (await this.#need().killProcess(Number(args[0]))) ? "killed" : "kill timed out",
        );
        return true;
      case "archive": {
        const file = await Deno.create(args[0] ?? "session.zip");
        await (await this.#need().getSessionArchive()).pipeTo(file.writable);
        return true;
      }
      default:
        console.log(`Unknown command "${cmd}"`);
        return true;
    }
  }
}

function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.trim().matchAll(/"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2]!);
  return out;
}

/** The lines of a byte stream. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let at;
    while ((at = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, at).replace(/\r$/, "");
      buffer = buffer.slice(at + 1);
    }
  }
  if (buffer) yield buffer;
}

/**
 * Reads commands from stdin and runs them until `exit` or the end of input; closes the session.
 *
 * @param shell The shell.
 */
export async function repl(shell: Shell): Promise<void> {
  const prompt = Deno.stdin.isTerminal();
  try {
    if (prompt) await Deno.stdout.write(new TextEncoder().encode("cblr> "));
    for await (const line of lines(Deno.stdin.readable)) {
      try {
        if (!(await shell.run(line))) break;
      } catch (err) {
        console.log(`Error: ${err instanceof Error ? err.message : String(err)}`);
        Deno.exitCode = 1;
      }
      if (prompt) await Deno.stdout.write(new TextEncoder().encode("cblr> "));
    }
  } finally {
    await shell.session?.close();
  }
}
