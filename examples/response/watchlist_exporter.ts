/**
 * Exports watchlists into a shareable JSON file (the Python `watchlist_exporter.py`), which
 * `watchlist_importer.ts` reads back into another server.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env \
 *   examples/response/watchlist_exporter.ts -f watchlists.json -a "SOC team" -d "Our hunts"
 * ```
 *
 * `-w` picks watchlists by name (comma separated); `-m` asks for each one on stdin (`y`, `n`,
 * or Enter for yes; the end of the input answers no). `-f -` (or `--json` without `-f`) writes
 * the export to stdout.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Watchlist } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, requireFlag, run } from "../_cli.ts";

const USAGE = `Usage: watchlist_exporter.ts -f FILE [-w NAMES] [-m] [-d TEXT] [-a NAME] [options]
Export watchlists into shareable JSON format
  -f, --file FILE           Select what file output is written to (- for stdout)
  -w, --watchlists NAMES    Specific watchlist(s) to export. Can be comma separated.
  -m, --selective           Interactively select which watchlists to export
  -d, --description TEXT    Description for the watchlist export file
  -a, --author NAME         Author for the watchlist export file${COMMON_USAGE}`;

/** One exported watchlist, in the Python script's format. */
interface ExportedWatchlist {
  Name: string;
  URL: string;
  Type: string;
  SearchString: string;
  Description: string;
}

/** Answers read line by line from stdin. */
class Answers {
  #lines: AsyncGenerator<string> | undefined;

  async #read(): Promise<string | null> {
    this.#lines ??= lines(Deno.stdin.readable);
    const next = await this.#lines.next();
    return next.done ? null : next.value;
  }

  /**
   * Asks a yes/no question (Enter means yes; the end of the input means no).
   *
   * @param prompt The question.
   * @returns The answer.
   */
  async confirm(prompt: string): Promise<boolean> {
    for (;;) {
      await Deno.stdout.write(new TextEncoder().encode(prompt));
      const answer = await this.#read();
      if (answer === null) return console.log(""), false;
      if (!Deno.stdin.isTerminal()) console.log(answer);
      const a = answer.trim();
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

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    file: { type: "string", short: "f" },
    watchlists: { type: "string", short: "w" },
    selective: { type: "boolean", short: "m", default: false },
    description: { type: "string", short: "d" },
    author: { type: "string", short: "a" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const file = typeof flags.file === "string" || !flags.json ? requireFlag(flags, "file") : "-";
  const wanted = typeof flags.watchlists === "string"
    ? flags.watchlists.split(",").filter((n) => n !== "")
    : [];
  await using cb = await connectResponse(flags);
  const answers = new Answers();
  const exported: ExportedWatchlist[] = [];
  try {
    for (const watchlist of await cb.select(Watchlist).toArray()) {
      const name = watchlist.name ?? "";
      if (wanted.length && !wanted.includes(name)) continue;
      if (flags.selective && !(await answers.confirm(`Export watchlist ${name}? y/n: `))) continue;
      exported.push({
        Name: name,
        URL: watchlist.search_query ?? "",
        Type: watchlist.index_type ?? "",
        SearchString: watchlist.query,
        Description: "Please fill in if you intend to share this.",
      });
    }
  } finally {
    await answers.close();
  }
  const doc = {
    Author: typeof flags.author === "string" && flags.author ? flags.author : "Fill in author",
    ExportDate: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    ExportDescription: typeof flags.description === "string" && flags.description
      ? flags.description
      : "Fill in description",
    Watchlists: exported,
  };
  const text = JSON.stringify(doc, null, 4);
  if (file === "-") console.log(text);
  else {
    await Deno.writeTextFile(file, `${text}\n`);
    console.log("-> Done exporting! <-");
  }
  return 0;
}

if (import.meta.main) await run(USAGE, main);
