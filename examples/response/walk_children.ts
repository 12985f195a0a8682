/**
 * Walks the child processes of one process (by GUID) or of every process matching a query,
 * printing each child's start time and command line indented by depth (the Python
 * `walk_children.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/walk_children.ts -q "process_name:cmd.exe"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { ApiError, ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Process } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, run, UsageError, when } from "../_cli.ts";

const USAGE = `Usage: walk_children.ts (-p GUID | -q QUERY) [options]
  -p, --process GUID   Process GUID to walk
  -q, --query QUERY    Walk the children of all processes matching this query${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    process: { type: "string", short: "p" },
    query: { type: "string", short: "q" },
  });
  if (flags.help) return console.log(USAGE), 0;
  if (flags.process && flags.query) throw new UsageError("give --process or --query, not both");
  if (!flags.process && !flags.query) {
    throw new UsageError("Requires either a --process or --query argument");
  }
  await using cb = await connectResponse(flags);
  let procs: AsyncIterable<Process> | Process[];
  if (typeof flags.process === "string") {
    try {
      procs = [await cb.select(Process, flags.process)];
    } catch (err) {
      if (err instanceof ObjectNotFoundError) {
        console.log(`Could not find process ${flags.process}`);
      } else if (err instanceof ApiError) {
        console.log(`Encountered error retrieving process: ${err.message}`);
      } else throw err;
      return 1;
    }
  } else {
    procs = cb.select(Process).where(String(flags.query));
  }
  const tree: unknown[] = [];
  for await (const root of procs) {
    const children: unknown[] = [];
    if (!flags.json) {
      console.log(
        `Process ${root.path} on ${root.hostname} executed by ${root.username} children:`,
      );
    }
    // Children are at depth 0, grandchildren at 1, ... (the Python script starts at 1).
    await root.walkChildren((proc, depth) => {
      if (flags.json) {
        children.push({ depth, id: proc.id, start: proc.start, cmdline: proc.cmdline });
      } else console.log(`${"  ".repeat(depth)}${when(proc.start)}: ${proc.cmdline}`);
    });
    if (flags.json) tree.push({ id: root.id, path: root.path, hostname: root.hostname, children });
    else console.log("");
  }
  if (flags.json) console.log(JSON.stringify(tree, null, 2));
  return 0;
}

if (import.meta.main) await run(USAGE, main);
