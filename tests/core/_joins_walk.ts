// Calls every join of every product model on the emulator's data and records, per call, what it
// returned and the requests it sent. `joins_wire.txt` is this walk's record from the code before
// joins were declared in `static joins` (commit 22aed89): the declared joins must send the same.
// Record it again (only when the emulator's data changes) with
// `deno run -A tests/core/_joins_walk.ts tests/core/joins_wire.txt`.

import type { CbEmulator } from "@cbapi/cbapi/testing";
import {
  Alert,
  BannedHash,
  CbResponseAPI,
  Feed,
  Process,
  Sensor,
  SensorGroup,
  ThreatReport,
  Watchlist,
} from "@cbapi/cbapi/response";
import {
  ApprovalRequest,
  CbProtectionAPI,
  Certificate,
  Computer,
  FileCatalog,
} from "@cbapi/cbapi/protection";
import { CbDefenseAPI, Device, Event } from "@cbapi/cbapi/defense";
import { profileOptions, startEmulator } from "../_helpers.ts";

type JoinCall = (options?: object) => Promise<unknown>;

/**
 * Walks every join once (and again where the second call must come from the cache).
 *
 * @param emu A fresh emulator.
 * @returns One line per call: `label -> result [requests]`.
 */
export async function walkJoins(emu: CbEmulator): Promise<string[]> {
  const out: string[] = [];
  let n = 0;
  const skip = () => (n = emu.requests.length);
  const call = async (label: string, model: object, name: string) => {
    skip();
    let result: string;
    try {
      const v = await ((model as Record<string, JoinCall>)[name]!).call(model);
      result = v === undefined ? "none" : String((v as { uniqueId?: unknown }).uniqueId);
    } catch (e) {
      result = (e as Error).name;
    }
    const sent = emu.requests.slice(n).map((r) => `${r.method} ${r.url}`);
    out.push(`${label}.${name} -> ${result} ${JSON.stringify(sent)}`);
  };

  await using cb = await CbResponseAPI.connect(await profileOptions(emu, "response"));
  for (const a of await cb.select(Alert).toArray()) {
    for (const j of ["process", "binary", "sensor", "feed", "watchlist"]) {
      await call(`alert ${a.unique_id}`, a, j);
    }
  }
  // Process GUIDs of the emulator's data move with the clock: processes are named by position.
  const procs = (await cb.select(Process).toArray()).slice(0, 3);
  for (const [i, p] of procs.entries()) {
    await call(`process #${i}`, p, "sensor");
    await call(`process #${i}`, p, "binary");
  }
  await call("sensor 3", await cb.select(Sensor, 3), "group");
  await call("sensor group 1", await cb.select(SensorGroup, 1), "site");
  await call("report 7:SOC-2018-0001", await cb.select(ThreatReport, "7:SOC-2018-0001"), "feed");
  for (const bh of await cb.select(BannedHash).toArray()) {
    await call(`banned hash ${bh.md5hash}`, bh, "binary");
  }
  for (const a of await (await cb.select(Feed, 7)).actions().toArray()) {
    await call(`feed action ${a.id}`, a, "feed");
  }
  for (const a of await (await cb.select(Watchlist, 5)).actions().toArray()) {
    await call(`watchlist action ${a.id}`, a, "watchlist");
  }

  await using pc = await CbProtectionAPI.connect(await profileOptions(emu, "protection"));
  for (const c of await pc.select(Computer).toArray()) {
    await call(`computer ${c.id}`, c, "policy");
    await call(`computer ${c.id}`, c, "templateComputer");
  }
  for (const r of await pc.select(ApprovalRequest).toArray()) {
    for (const j of ["fileCatalog", "installerFileCatalog", "processFileCatalog", "computer"]) {
      await call(`approval request ${r.id}`, r, j);
    }
  }
  for (const f of (await pc.select(FileCatalog).toArray()).slice(0, 4)) {
    for (const j of ["computer", "publisher", "certificate"]) {
      await call(`file catalog ${f.id}`, f, j);
    }
  }
  for (const c of (await pc.select(Certificate).toArray()).slice(0, 4)) {
    for (const j of ["parent", "publisher", "firstSeenComputer"]) {
      await call(`certificate ${c.id}`, c, j);
    }
  }

  await using dc = await CbDefenseAPI.connect(await profileOptions(emu, "defense"));
  for (const ev of (await dc.select(Event).toArray()).slice(0, 3)) {
    await call(`event ${ev.eventId}`, ev, "device");
  }
  await call("device 12", await dc.select(Device, 12), "policy");
  return out;
}

if (import.meta.main) {
  await using emu = await startEmulator();
  await Deno.writeTextFile(Deno.args[0]!, (await walkJoins(emu)).join("\n") + "\n");
}
