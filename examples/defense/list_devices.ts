/**
 * Lists Cb Defense devices: all of them, one by id, or those with an exact host name.
 * A port of the Python example `examples/defense/list_devices.py`.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/defense/list_devices.ts --profile default
 * deno run --allow-net --allow-read --allow-env examples/defense/list_devices.ts --hostname WIN-IA9NQ1GN8OI
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Device } from "@cbapi/cbapi/defense";
import { COMMON_USAGE, connect, parse, run } from "./_cli.ts";

const USAGE = `List devices

Usage: list_devices.ts [--id ID | --hostname NAME] [common flags]
  -i, --id ID          Device ID of sensor
  -n, --hostname NAME  Hostname${COMMON_USAGE}`;

function when(date: Date | undefined): string {
  return date ? date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "") : "None";
}

async function main(): Promise<number> {
  const { flags } = parse(Deno.args, {
    id: { type: "string", short: "i" },
    hostname: { type: "string", short: "n" },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.id !== undefined && flags.hostname !== undefined) {
    console.error("Give --id or --hostname, not both");
    return 2;
  }
  await using cb = await connect(flags);
  let devices: Device[];
  if (flags.id !== undefined) {
    devices = [await cb.select(Device, Number(flags.id))];
  } else if (flags.hostname !== undefined) {
    devices = await cb.select(Device).where(`hostNameExact:${flags.hostname}`).toArray();
  } else {
    devices = await cb.select(Device).toArray();
  }
  console.log(
    `${"ID".padEnd(9)} ${"Hostname".padEnd(40)}${"IP Address".padEnd(18)}Last Checkin Time`,
  );
  for (const device of devices) {
    console.log(
      `${String(device.deviceId).padEnd(9)} ${(device.name ?? "None").padEnd(40)}${
        (device.lastInternalIpAddress ?? "Unknown").padEnd(18)
      }${when(device.lastContact)}`,
    );
  }
  return 0;
}

if (import.meta.main) await run(main);
