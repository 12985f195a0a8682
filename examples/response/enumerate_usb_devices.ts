/**
 * Lists the USB storage devices seen by the sensors: processes that modified a key under the
 * disk device class (`{53f56307-b6bf-11d0-94f2-00a0c91efb8b}`), and for each such registry
 * modification the device part of the key after `usbstor#disk&` (the Python
 * `enumerate_usb_devices.py`), after a histogram of those processes by host. `--start` limits
 * the search to processes started in a window (a value starting with `-` needs `=`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/enumerate_usb_devices.ts --start=-2h
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Process } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, histogram, parseCli, run } from "../_cli.ts";

const USAGE = `Usage: enumerate_usb_devices.ts [-s START] [options]
Enumerate USB Devices.
  -s, --start START  Start time (example: --start=-2h)${COMMON_USAGE}`;

const DISK_CLASS = "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}";
const QUERY =
  `regmod:registry\\machine\\system\\currentcontrolset\\control\\deviceclasses\\${DISK_CLASS}\\*`;

/** One USB storage device registry modification. */
interface Device {
  hostname: string;
  process: string;
  timestamp: string;
  device: string;
}

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args, { start: { type: "string", short: "s" } });
  if (flags.help) return console.log(USAGE), 0;
  const queryString = typeof flags.start === "string" && flags.start !== ""
    ? `${QUERY} start:${flags.start}`
    : QUERY;
  await using cb = await connectResponse(flags);
  const query = cb.select(Process).where(queryString);
  if (!flags.json) {
    const facets = await query.facets("hostname");
    for (const line of histogram("hostname", facets.hostname ?? [])) console.log(line);
    console.log("");
  }
  const devices: Device[] = [];
  let found = 0;
  for await (const proc of query) {
    for await (const rm of proc.regmods()) {
      if (!rm.path.toLowerCase().includes(DISK_CLASS)) continue;
      const pieces = rm.path.split("usbstor#disk&");
      if (pieces.length < 2) {
        console.error(`WARN:::: ${rm.path}`);
        continue;
      }
      const device = pieces.slice(1).join("usbstor#disk&");
      found++;
      if (flags.json) {
        devices.push({
          hostname: proc.hostname ?? "",
          process: proc.id ?? "",
          timestamp: rm.timestamp.toISOString(),
          device,
        });
      } else console.log(device);
    }
  }
  if (flags.json) console.log(JSON.stringify(devices, null, 2));
  else if (found === 0) console.log("No USB storage devices found");
  return 0;
}

if (import.meta.main) await run(USAGE, main);
