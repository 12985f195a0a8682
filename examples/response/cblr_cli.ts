/**
 * An interactive Live Response shell (the Python `CblrCli`): connect to a sensor, then browse and
 * change the endpoint. Commands: `connect <sensor id|hostname>`, `detach`, `cd <dir>`, `pwd`,
 * `dir [dir]`, `cat <file>`, `get <remote> <local>`, `put <local> <remote>`, `del <file>`,
 * `mkdir <dir>`, `ps [-v] [-p pid]`, `exec [-o out] [-w] [-d dir] <command line>`, `kill <pid>`,
 * `archive <local>`, `exit`/`quit`. Reads commands from stdin, one per line.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/response/cblr_cli.ts --profile default
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write examples/response/cblr_cli.ts --cburl http://127.0.0.1:8080 --apitoken T
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console
import { parseArgs } from "node:util";
import { ApiError } from "@cbapi/cbapi/core";
import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
import { LiveResponseSession } from "@cbapi/cbapi/live-response";

/** The shell's state: the API, the open session and the working directory. */
class Shell {
  cb: CbResponseAPI;
  session: LiveResponseSession | undefined;
  cwd = "";
  pollInterval: number | undefined;

  constructor(cb: CbResponseAPI, pollInterval: number | undefined) {
    this.cb = cb;
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
        const target = args[0] ?? "";
        const sensor = /^\d+$/.test(target)
          ? await this.cb.select(Sensor, Number(target))
          : await this.cb.select(Sensor).where(`hostname:${target}`).first();
        if (!sensor) throw new ApiError(`No sensor with host name "${target}"`);
        this.session = await sensor.lrSession(
          this.pollInterval ? { pollInterval: this.pollInterval } : {},
        );
        this.cwd = String(
          this.session.sessionData.current_working_directory ??
            (sensor.os_type === 1 ? "C:\\" : "/"),
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

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cburl: { type: "string" },
      apitoken: { type: "string" },
      profile: { type: "string", default: "default" },
      poll: { type: "string" },
    },
  });
  await using cb = await CbResponseAPI.connect(
    values.cburl && values.apitoken
      ? { url: values.cburl, token: values.apitoken }
      : { profile: values.profile },
  );
  const shell = new Shell(cb, values.poll ? Number(values.poll) : undefined);
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

if (import.meta.main) await main();
