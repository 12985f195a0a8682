/**
 * Downloads the sensor installer of a sensor group (by id or name) to a file (the Python
 * `download_sensor_installer.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env \
 *   examples/response/download_sensor_installer.ts -f installer.zip -g "Default Group" -t windows/msi
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { type InstallerKind, SensorGroup } from "@cbapi/cbapi/response";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { COMMON_USAGE, connectResponse, parseCli, requireFlag, run } from "../_cli.ts";

const USAGE = `Usage: download_sensor_installer.ts -f PATH [-g GROUP] [-t TYPE] [options]
  -f, --filename PATH          File to save the installer package to
  -g, --sensor-group GROUP     Sensor group name or ID (default: 1)
  -t, --installer-type TYPE    windows/exe, windows/msi, linux or osx (default: windows/exe)${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, {
    filename: { type: "string", short: "f" },
    "sensor-group": { type: "string", short: "g", default: "1" },
    "installer-type": { type: "string", short: "t", default: "windows/exe" },
  });
  if (flags.help) return console.log(USAGE), 0;
  const filename = requireFlag(flags, "filename");
  const groupArg = String(flags["sensor-group"]);
  const kind = String(flags["installer-type"]) as InstallerKind;
  await using cb = await connectResponse(flags);
  let group: SensorGroup | undefined;
  if (/^\d+$/.test(groupArg)) {
    try {
      group = await cb.select(SensorGroup, Number(groupArg));
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
  }
  if (!group) {
    try {
      group = await cb.select(SensorGroup).where(`name:${groupArg}`).one();
    } catch {
      console.log(`Could not find sensor group via id or name (${groupArg})`);
      return 1;
    }
  }
  console.log(`-> Downloading ${kind} installer for group ${group.name} to file ${filename}...`);
  try {
    const stream = await group.installer(kind);
    const file = await Deno.create(filename);
    await stream.pipeTo(file.writable);
  } catch (err) {
    if (err instanceof ObjectNotFoundError || err instanceof RangeError) {
      console.log(`** Could not find an installer for ${kind}`);
    } else {
      console.log(`** Unknown exception: ${err instanceof Error ? err.message : err}`);
    }
    return 1;
  }
  console.log("-> Download complete");
  return 0;
}

if (import.meta.main) await run(USAGE, main);
