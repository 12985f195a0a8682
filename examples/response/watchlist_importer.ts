/**
 * Imports watchlists from a JSON file written by `watchlist_exporter.ts` (the Python
 * `watchlist_importer.py`): each becomes a new watchlist with the exported name, query
 * (`SearchString`) and type.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env \
 *   examples/response/watchlist_importer.ts -f watchlists.json
 * ```
 *
 * `-w` picks watchlists by name (comma separated); `-m` asks for each one on stdin (`y`, `n`,
 * or Enter for yes; the end of the input answers no). `-f -` reads the export from stdin.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Watchlist } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, requireFlag, run, UsageError } from "../_cli.ts";

const USAGE = `Usage: watchlist_importer.ts -f FILE [-w NAMES] [-m] [options]
Import watchlists from shareable JSON format
  -f, --file FILE           Select what file watchlists are read from (- for stdin)
  -w, --watchlists NAMES    Specific watchlist(s) to import. Can be comma separated.
  -m, --selective           Interactively select which watchlists to import${COMMON_USAGE}`;

/** The export file's format. */
interface ExportFile {
  Author?: string;
  ExportDescription?: string;
  Watchlists?: Array<{ Name?: string; SearchString?: string; Type?: string }>;
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

/** Answers read line by line from stdin. */
class Answers {
  #lines: AsyncGenerator<string> | undefined;

  /**
   * Asks a yes/no question (Enter means yes; the end of the input means no).
   *
   * @param prompt The question.
   * @returns The answer.
   */
  async confirm(prompt: string): Promise<boolean> {
    this.#lines ??= lines(Deno.stdin.readable);
    for (;;) {
      await Deno.stdout.write(new TextEncoder().encode(prompt));
      const next = await this.#lines.next();
      if (next.done) return console.log(""), false;
      if (!Deno.stdin.isTerminal()) console.log(next.value);
      const a = next.value.trim();
      if (a === "" || a === "y" || a === "Y") return true;
      if (a === "n" || a === "N") return false;
      console.log("Please enter y or n.");
    }
  }

  /** Releases stdin. */
  async close(): Promise<void> {
    await this.#lines?.return(undefined);
  }
}

async function readExport(file: string): Promise<ExportFile> {
  const text = file === "-"
    ? await new Response(Deno.stdin.readable).text()
    : await Deno.readTextFile(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${err instanceof Error ? err.message : err}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
    throw new UsageError(`${file} is not a watchlist export (a JSON object with "Watchlists")`);
  }
  return doc as ExportFile;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    file: { type: "string", short: "f" },
    watchlists: { type: "string", short: "w" },
    selective: { type: "boolean", short: "m", default: false },
  });
  if (flags.help) return console.log(USAGE), 0;
  const file = requireFlag(flags, "file");
  if (file === "-" && flags.selective) {
    throw new UsageError("-m reads the answers from stdin: give the export with -f FILE");
  }
  const wanted = typeof flags.watchlists === "string"
    ? flags.watchlists.split(",").filter((n) => n !== "")
    : [];
  const doc = await readExport(file);
  await using cb = await connectResponse(flags);
  console.log(
    `Importing ${doc.ExportDescription ?? "<no description>"} from ${
      doc.Author ?? "<no author>"
    }...`,
  );
  const answers = new Answers();
  let failed = 0;
  try {
    for (const entry of doc.Watchlists ?? []) {
      const name = entry.Name ?? "";
      if (wanted.length && !wanted.includes(name)) continue;
      if (flags.selective && !(await answers.confirm(`Import watchlist ${name}? y/n: `))) continue;
      const w = cb.create(Watchlist);
      w.name = name;
      w.query = entry.SearchString ?? "";
      w.index_type = entry.Type ?? "events";
      try {
        await w.save();
        console.log(`-> Watchlist ${w.name} added [id=${w.id}]`);
      } catch (err) {
        console.log(
          `-> Watchlist ${w.name} not added: ${err instanceof Error ? err.message : err}`,
        );
        failed++;
      }
    }
  } finally {
    await answers.close();
  }
  console.log("-> Done importing! <-");
  return failed ? 1 : 0;
}

if (import.meta.main) await run(USAGE, main);
