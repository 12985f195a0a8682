/**
 * Checks whether any sensor group sends unknown binaries to VirusTotal (the Python
 * `check_datasharing.py`). Exits 1 when some (or all) do, 0 when none do.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/check_datasharing.ts
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { SensorGroup } from "@cbapi/cbapi/response";
import { COMMON_USAGE, connectResponse, parseCli, run } from "../_cli.ts";

const USAGE = `Usage: check_datasharing.ts [options]${COMMON_USAGE}`;

async function main(): Promise<number> {
  const { flags } = parseCli(Deno.args);
  if (flags.help) return console.log(USAGE), 0;
  await using cb = await connectResponse(flags);
  const groups = await cb.select(SensorGroup).toArray();
  const sharing: SensorGroup[] = [];
  for (const sg of groups) {
    const settings = await sg.dataSharing();
    if (settings.some((s) => s.what === "BIN" && s.who === "VIRUSTOTAL")) sharing.push(sg);
  }
  if (flags.json) {
    console.log(JSON.stringify(sharing.map((sg) => ({ id: sg.id, name: sg.name }))));
  } else if (sharing.length === 0) {
    console.log("No sensor groups are configured to send unknown binaries to VirusTotal");
  } else if (sharing.length === groups.length) {
    console.log("**ALL** sensor groups are configured to send unknown binaries to VirusTotal");
  } else {
    console.log(
      "The following sensor groups are configured to send unknown binaries to VirusTotal:",
    );
    for (const sg of sharing) console.log(`  id ${sg.id}: ${sg.name}`);
  }
  return sharing.length === 0 ? 0 : 1;
}

if (import.meta.main) await run(USAGE, main);
