/**
 * Terminal input and output of the `cbapi` command: line prompts on stdin (piped or a
 * terminal), hidden password entry when stdin is a terminal, and plain writes.
 *
 * @module
 */

const ENCODER = new TextEncoder();

/** Where the commands read answers and write text; tests and the real terminal both fit. */
export interface Io {
  /**
   * Writes a prompt and reads one answer line.
   *
   * @param question The prompt, printed without a newline.
   * @param hidden Whether the answer is a secret (not echoed on a terminal).
   * @returns The line without its end, or undefined at the end of input.
   */
  ask(question: string, hidden?: boolean): Promise<string | undefined>;
  /**
   * Writes one line on stdout.
   *
   * @param line The text.
   */
  out(line: string): void;
  /**
   * Writes one line on stderr.
   *
   * @param line The text.
   */
  err(line: string): void;
}

/** Reads lines from stdin, keeping what one read returned beyond the first line. */
export class StdinLines {
  #pending = "";
  #decoder = new TextDecoder();
  #ended = false;

  /**
   * Reads one line. In raw (hidden) mode a carriage return ends the line and Ctrl-C or Ctrl-D
   * ends the input.
   *
   * @param raw Whether the terminal is in raw mode.
   * @returns The line, or undefined at the end of input.
   */
  async readLine(raw = false): Promise<string | undefined> {
    const buf = new Uint8Array(4096);
    while (true) {
      // deno-lint-ignore no-control-regex
      const end = raw ? this.#pending.search(/[\r\n\x03\x04]/) : this.#pending.indexOf("\n");
      if (end >= 0) {
        const stop = this.#pending[end];
        const line = this.#pending.slice(0, end);
        this.#pending = this.#pending.slice(end + 1);
        if (raw && (stop === "\x03" || stop === "\x04")) return undefined;
        return raw ? line : line.replace(/\r$/, "");
      }
      if (this.#ended) {
        if (this.#pending === "") return undefined;
        const line = this.#pending;
        this.#pending = "";
        return line;
      }
      const n = await Deno.stdin.read(buf);
      if (n === null) {
        this.#ended = true;
        this.#pending += this.#decoder.decode();
      } else {
        this.#pending += this.#decoder.decode(buf.subarray(0, n), { stream: true });
      }
    }
  }
}

/**
 * The real terminal: prompts on stdout, answers from stdin, secrets unechoed when stdin is a
 * terminal.
 *
 * @returns The I/O.
 */
export function terminalIo(): Io {
  const lines = new StdinLines();
  return {
    async ask(question, hidden = false) {
      Deno.stdout.writeSync(ENCODER.encode(question));
      const raw = hidden && Deno.stdin.isTerminal();
      if (!raw) return await lines.readLine();
      Deno.stdin.setRaw(true);
      try {
        return await lines.readLine(true);
      } finally {
        Deno.stdin.setRaw(false);
        Deno.stdout.writeSync(ENCODER.encode("\n"));
      }
    },
    out(line) {
      Deno.stdout.writeSync(ENCODER.encode(`${line}\n`));
    },
    err(line) {
      Deno.stderr.writeSync(ENCODER.encode(`${line}\n`));
    },
  };
}
