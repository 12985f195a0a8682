/**
 * Lists, adds and deletes sensor groups and lists a group's sensors (the Python
 * `sensor_group_operations.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/sensor_group_operations.ts list
 * deno run --allow-net --allow-read --allow-env examples/response/sensor_group_operations.ts add -n "Lab" -s "Default Site"
 * deno run --allow-net --allow-read --allow-env examples/response/sensor_group_operations.ts delete -n "Lab" --force
 * deno run --allow-net --allow-read --allow-env examples/response/sensor_group_operations.ts list-sensors -n "Default Group"
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { SensorGroup, Site } from "@cbapi/cbapi/response";
import { ServerError } from "@cbapi/cbapi/core";
import {
  COMMON_USAGE,
  connectResponse,
  deleteByNameOrId,
  errorMessage,
  type Flags,
  parseCli,
  requireFlag,
  run,
  UsageError,
  when,
} from "../_cli.ts";
import type { CbResponseAPI } from "@cbapi/cbapi/response";

const USAGE = `Usage: sensor_group_operations.ts <command> [options]
  list                                  List all configured sensor groups
  add -n NAME [-s SITE | -i SITE-ID]    Add a new sensor group
  delete (-i ID | -n NAME) [--force]    Delete sensor groups (--force: all that match NAME)
  list-sensors [-n NAME]                List the sensors of a group (default: lowest id)${COMMON_USAGE}`;

async function listGroups(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const groups = await cb.select(SensorGroup).toArray();
  if (flags.json) return console.log(JSON.stringify(groups, null, 2)), 0;
  for (const g of groups) console.log(`${g}\n`);
  return 0;
}

async function listSensors(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const groups = await cb.select(SensorGroup).toArray();
  const group = typeof flags.name === "string"
    ? groups.find((g) => g.name === flags.name)
    : groups.sort((a, b) => (a.id ?? 0) - (b.id ?? 0))[0];
  if (!group) {
    console.log(`Could not find sensor group ${flags.name}`);
    return 1;
  }
  const sensors = await group.sensors().toArray();
  if (flags.json) return console.log(JSON.stringify(sensors, null, 2)), 0;
  console.log(`Sensors in group ${group.name} (id ${group.id}):`);
  console.log(`  ${"Hostname".padEnd(40)}${"IP Address".padEnd(18)}Last Checkin Time`);
  for (const sensor of sensors) {
    const ips = sensor.network_interfaces.map((i) => i.ipaddr)
      .filter((ip) => ip !== "127.0.0.1" && ip !== "0.0.0.0");
    console.log(
      `  ${(sensor.hostname ?? "").padEnd(40)}${(ips[0] ?? "").padEnd(18)}${
        when(sensor.last_checkin_time)
      }`,
    );
  }
  return 0;
}

async function addGroup(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const name = requireFlag(flags, "name");
  const sites = await cb.select(Site).toArray();
  let site: Site | undefined;
  if (typeof flags.site === "string") {
    site = sites.find((s) => s.name === flags.site);
    if (!site) return console.log(`Could not find site named ${flags.site}`), 1;
  } else if (typeof flags["site-id"] === "string") {
    site = sites.find((s) => String(s.id) === flags["site-id"]);
    if (!site) return console.log(`Could not find site ID ${flags["site-id"]}`), 1;
  } else {
    site = sites.sort((a, b) => (a.id ?? 0) - (b.id ?? 0))[0];
  }
  const g = cb.create(SensorGroup);
  g.name = name;
  if (site) g.setSite(site);
  try {
    await g.save();
  } catch (err) {
    if (err instanceof ServerError) {
      console.log(
        `Received HTTP error ${err.status} when attempting to add sensor group: ${err.message}`,
      );
    } else console.log(`Could not add sensor group: ${errorMessage(err)}`);
    return 1;
  }
  console.log(`Added sensor group. New sensor group ID is ${g.id}`);
  return 0;
}

async function deleteGroups(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const id = typeof flags.id === "string" ? Number(flags.id) : undefined;
  const name = typeof flags.name === "string" ? flags.name : undefined;
  if ((id === undefined) === (name === undefined)) {
    throw new UsageError("delete needs one of --id or --name");
  }
  return await deleteByNameOrId(cb, SensorGroup, {
    id,
    name,
    force: flags.force === true,
    label: "sensor group",
  });
}

async function main(): Promise<number> {
  const { flags, positionals } = parseCli(Deno.args, {
    name: { type: "string", short: "n" },
    site: { type: "string", short: "s" },
    "site-id": { type: "string" },
    id: { type: "string", short: "i" },
    force: { type: "boolean", default: false },
  }, true);
  if (flags.help) return console.log(USAGE), 0;
  const command = positionals[0];
  // `add -i` is the site id, `delete -i` the group id, as in the Python script.
  if (command === "add" && typeof flags.id === "string") flags["site-id"] = flags.id;
  const commands: Record<string, (cb: CbResponseAPI, flags: Flags) => Promise<number>> = {
    list: listGroups,
    "list-sensors": listSensors,
    add: addGroup,
    delete: deleteGroups,
  };
  const handler = command ? commands[command] : undefined;
  if (!handler) throw new UsageError("give one of the commands list, add, delete, list-sensors");
  await using cb = await connectResponse(flags);
  return await handler(cb, flags);
}

if (import.meta.main) await run(USAGE, main);
