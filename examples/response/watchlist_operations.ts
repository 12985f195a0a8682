/**
 * Lists, adds and deletes watchlists and lists a watchlist's actions (the Python
 * `watchlist_operations.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/watchlist_operations.ts list
 * deno run --allow-net --allow-read --allow-env examples/response/watchlist_operations.ts add \
 *   -N "Notepad runs" -q process_name:notepad.exe -t events
 * deno run --allow-net --allow-read --allow-env examples/response/watchlist_operations.ts list-actions -i 5
 * deno run --allow-net --allow-read --allow-env examples/response/watchlist_operations.ts delete -N "Notepad runs"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { type CbResponseAPI, Watchlist } from "@cbapi/cbapi/response";
import {
  COMMON_USAGE,
  connectResponse,
  deleteByNameOrId,
  errorMessage,
  type Flags,
  getObjectByNameOrId,
  parseCli,
  requireFlag,
  run,
  UsageError,
} from "../_cli.ts";

const USAGE = `Usage: watchlist_operations.ts <command> [options]
  list                                    List all configured watchlists
  list-actions (-i ID | -N NAME)          List actions associated with a watchlist
  add -N NAME -q QUERY -t TYPE            Add new watchlist (TYPE: events or modules),
                                          e.g. -q process_name:notepad.exe -t events
  delete (-i ID | -N NAME) [--force]      Delete watchlists (--force: all named NAME)${COMMON_USAGE}`;

/** The `-i`/`-N` pair: exactly one is given. */
function target(flags: Flags, command: string): { id?: string; name?: string } {
  const id = typeof flags.id === "string" ? flags.id : undefined;
  const name = typeof flags.name === "string" ? flags.name : undefined;
  if ((id === undefined) === (name === undefined)) {
    throw new UsageError(`${command} needs one of --id or --name`);
  }
  if (id !== undefined && !/^\d+$/.test(id)) {
    throw new UsageError(`--id takes a watchlist id (an integer), not "${id}"`);
  }
  return id !== undefined ? { id } : { name: name! };
}

async function listWatchlists(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const watchlists = await cb.select(Watchlist).toArray();
  if (flags.json) return console.log(JSON.stringify(watchlists, null, 2)), 0;
  for (const w of watchlists) console.log(`${w}\n`);
  return 0;
}

async function listActions(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const { id, name } = target(flags, "list-actions");
  let watchlists: Watchlist[];
  try {
    watchlists = await getObjectByNameOrId(cb, Watchlist, { id, name });
  } catch (err) {
    console.log(errorMessage(err));
    return 1;
  }
  if (watchlists.length > 1) {
    console.log(`Multiple watchlists match the name ${name}, giving up.`);
    return 1;
  }
  const watchlist = watchlists[0]!;
  const actions = await watchlist.actions().toArray();
  if (flags.json) return console.log(JSON.stringify(actions, null, 2)), 0;
  console.log(`Actions in Watchlist ${watchlist.name}:`);
  for (const action of actions) console.log(`  - ${action.type}: ${action.action_data ?? "None"}`);
  return 0;
}

async function addWatchlist(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const name = requireFlag(flags, "name");
  const query = requireFlag(flags, "query");
  const type = requireFlag(flags, "type");
  const w = cb.create(Watchlist, { name, index_type: type });
  w.query = query;
  try {
    await w.save();
  } catch (err) {
    console.log(`Could not add watchlist: ${errorMessage(err)}`);
    return 1;
  }
  console.log(`Added watchlist. New watchlist ID is ${w.id}`);
  return 0;
}

async function deleteWatchlists(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const { id, name } = target(flags, "delete");
  return await deleteByNameOrId(cb, Watchlist, {
    id,
    name,
    force: flags.force === true,
    label: "watchlist",
  });
}

async function main(): Promise<number> {
  const { flags, positionals } = parseCli(Deno.args, {
    id: { type: "string", short: "i" },
    name: { type: "string", short: "N" },
    query: { type: "string", short: "q" },
    type: { type: "string", short: "t" },
    force: { type: "boolean", default: false },
  }, true);
  if (flags.help) return console.log(USAGE), 0;
  const commands: Record<string, (cb: CbResponseAPI, flags: Flags) => Promise<number>> = {
    list: listWatchlists,
    "list-actions": listActions,
    add: addWatchlist,
    delete: deleteWatchlists,
  };
  const command = positionals[0];
  const handler = command ? commands[command] : undefined;
  if (!handler) throw new UsageError("give one of the commands list, list-actions, add, delete");
  await using cb = await connectResponse(flags);
  return await handler(cb, flags);
}

if (import.meta.main) await run(USAGE, main);
