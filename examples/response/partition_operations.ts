/**
 * Lists, creates, deletes, mounts and unmounts event storage partitions (Cb Response >= 6.1;
 * the Python `partition_operations.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/partition_operations.ts list
 * deno run --allow-net --allow-read --allow-env examples/response/partition_operations.ts unmount -N cbevents_2017_01_31_2001
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { StoragePartition } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, requireFlag, run, UsageError } from "../_cli.ts";

const USAGE = `Usage: partition_operations.ts <list|create|delete|mount|unmount> [-N NAME] [options]
  list               List all storage partitions
  create             Create a new active writer partition
  delete -N NAME     Delete a partition
  mount -N NAME      Mount a partition
  unmount -N NAME    Unmount a partition${COMMON_USAGE}`;

function show(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  return String(value);
}

async function main(): Promise<number> {
  const { flags, positionals } = parseCli(
    Deno.args,
    { name: { type: "string", short: "N" } },
    true,
  );
  if (flags.help) return console.log(USAGE), 0;
  const command = positionals[0];
  if (!command || !["list", "create", "delete", "mount", "unmount"].includes(command)) {
    throw new UsageError(`give one of the commands list, create, delete, mount, unmount`);
  }
  await using cb = await connectResponse(flags);
  if (!cb.versionAtLeast("6.1.0")) {
    console.error(
      `This script can only work with server versions >= 6.1.0; ${cb.url} is running ${cb.serverVersion}`,
    );
    return 2;
  }
  if (command === "list") {
    const partitions = await cb.select(StoragePartition).toArray();
    if (flags.json) return console.log(JSON.stringify(partitions, null, 2)), 0;
    for (const p of partitions) {
      console.log(`${(p.status ?? "").toUpperCase()} Storage Partition "${p.name}":`);
      const info = p.partitionInfo as unknown as Record<string, unknown>;
      for (const key of Object.keys(info)) console.log(`  ${key.padEnd(15)}: ${show(info[key])}`);
    }
    return 0;
  }
  if (command === "create") {
    await cb.createNewPartition();
    console.log("Successfully created new writer partition");
    return 0;
  }
  const name = requireFlag(flags, "name");
  const verb = { delete: "deleting", mount: "mounting", unmount: "unmounting" }[command]!;
  try {
    const partition = await cb.select(StoragePartition, name);
    if (command === "delete") await partition.delete();
    else if (command === "mount") await partition.mount();
    else await partition.unmount();
  } catch (err) {
    console.log(`Error ${verb} partition ${name}: ${err instanceof Error ? err.message : err}`);
    return 1;
  }
  console.log(`Successfully ${command}ed partition ${name}`.replace("deleteed", "deleted"));
  return 0;
}

if (import.meta.main) await run(USAGE, main);
