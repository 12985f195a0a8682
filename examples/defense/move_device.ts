/**
 * Moves Cb Defense devices (one by id, or all with an exact host name) into another security
 * policy, by policy id or name. A port of the Python example `examples/defense/move_device.py`.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/defense/move_device.ts \
 *   --hostname WIN-IA9NQ1GN8OI --policyname Restrictive_Windows_Workstation
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Device } from "@cbapi/cbapi/defense";
import { COMMON_USAGE, connect, parse, run } from "./_cli.ts";

const USAGE = `Move a device into a new security policy

Usage: move_device.ts (--id ID | --hostname NAME) (--policyid ID | --policyname NAME) [common flags]
  -i, --id ID          Device ID of sensor to move
  -n, --hostname NAME  Hostname to move
  --policyid ID        Policy ID
  --policyname NAME    Policy name${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parse(Deno.args, {
    id: { type: "string", short: "i" },
    hostname: { type: "string", short: "n" },
    policyid: { type: "string" },
    policyname: { type: "string" },
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if ((flags.id === undefined) === (flags.hostname === undefined)) {
    console.error("Give exactly one of --id and --hostname\n");
    console.error(USAGE);
    return 2;
  }
  if ((flags.policyid === undefined) === (flags.policyname === undefined)) {
    console.error("Give exactly one of --policyid and --policyname\n");
    console.error(USAGE);
    return 2;
  }
  await using cb = await connect(flags);
  const devices = flags.id !== undefined
    ? [await cb.select(Device, Number(flags.id))]
    : await cb.select(Device).where(`hostNameExact:${flags.hostname}`).toArray();
  for (const device of devices) {
    let destination: string | number;
    if (flags.policyid !== undefined) {
      destination = Number(flags.policyid);
      device.policyId = destination;
    } else {
      destination = String(flags.policyname);
      device.policyName = destination;
    }
    await device.save();
    console.log(
      `Moved device id ${device.deviceId} (hostname ${device.name}) into policy ${destination}`,
    );
  }
  return 0;
}

if (import.meta.main) await run(main);
