/**
 * Builds the seeded Cb Response data set.
 *
 * @module
 */
import { mixSeed, Rng } from "../_rand.ts";
import type { BannedHashDoc, BinaryRecord, EmulatorState, WatchlistDoc } from "../state.ts";
import { binaryRecord, type BinarySpec, CATALOG, md5For } from "./_binaries.ts";
import { buildProcesses } from "./_processes.ts";
import { buildFeedsAndAlerts } from "./_alerts.ts";
import { buildAdminData } from "./_admin_data.ts";
import { generatedSensorSpec, groupDoc, sensorDoc, SENSORS, siteDoc } from "./_sensors.ts";

/** Settings that shape the data set. */
export interface DataOptions {
  /** Seed. */
  seed: number;
  /** Extra generated processes, binaries and sensors. */
  scale: number;
  /** Isolation delay. */
  isolationDelayMs: number;
  /** The emulator's clock at start (ms since the epoch): the hunting data is timed back from it. */
  now: number;
  /** Whether to add the hunting data set. */
  huntingData: boolean;
}

const WATCHLISTS: [string, string, string, string, string, number][] = [
  ["11", "newly loaded dlls", "cb.urlver=1&q=is_executable_image%3Afalse", "modules", "3503", 4],
  [
    "5",
    "Newly Executed Applications",
    "cb.urlver=1&q=is_executable_image%3Atrue&sort=server_added_timestamp%20desc",
    "modules",
    "793",
    2,
  ],
  [
    "1",
    "USB drive usage",
    "cb.urlver=1&q=regmod%3Aregistry%5Cmachine%5Csystem%5Ccurrentcontrolset%5Ccontrol%5Cdeviceclasses%5C%7B53f5630d-b6bf-11d0-94f2-00a0c91efb8b%7D%5C%2A%20or%20regmod%3Aregistry%5Cmachine%5Ccurrentcontrolset%5Ccontrol%5Cdeviceclasses%5C%7B53f56307-b6bf-11d0-94f2-00a0c91efb8b%7D%5C%2A",
    "events",
    "32",
    2,
  ],
  [
    "6",
    "Non-System Filemods to system32",
    "cb.urlver=1&q=-path%3Ac%3A%5Cwindows%5C%2A&cb.q.filemod=c%3A%5Cwindows%5Csystem32%5C%2A",
    "events",
    "346",
    1,
  ],
  [
    "9",
    "Cb Threat Reputation >= 50",
    "cb.urlver=1&q=alliance_score_srsthreat%3A%5B50%20TO%20%2A%5D",
    "modules",
    "0",
    0,
  ],
  [
    "7",
    "Newly Installed Applications",
    "cb.urlver=1&cb.q.regmod=registry%5Cmachine%5Csoftware%5Cmicrosoft%5Cwindows%5Ccurrentversion%5Cuninstall&q=-path%3Ac%3A%5Cwindows%5C%2A",
    "events",
    "0",
    0,
  ],
];

function watchlists(): Map<string, WatchlistDoc> {
  const out = new Map<string, WatchlistDoc>();
  for (const [id, name, search_query, index_type, total, lastCount] of WATCHLISTS) {
    out.set(id, {
      last_hit_count: lastCount,
      description: id === "11" ? "" : null,
      search_query,
      enabled: true,
      search_timestamp: index_type === "modules"
        ? "1970-01-01T00:00:00.000Z"
        : "2018-02-06 18:40:06.467689",
      index_type,
      readonly: false,
      total_hits: total,
      date_added: "2017-01-31 21:45:10.021829-06:00",
      group_id: -1,
      total_tags: total,
      id,
      last_hit: lastCount ? "2018-01-31 04:30:53.994014-06:00" : null,
      name,
    });
  }
  return out;
}

/** A banned-hash document. */
export function bannedDoc(md5: string, text: string, enabled: boolean): BannedHashDoc {
  return {
    md5hash: md5.toLowerCase(),
    text,
    enabled,
    username: "admin",
    user_id: 1,
    timestamp: "2017-02-02 10:11:12.345678-06:00",
    last_block_time: null,
    last_block_sensor_id: null,
    last_block_hostname: null,
    block_count: 0,
    audit: [],
  };
}

/** Builds the whole data set. */
export function buildState(
  options: DataOptions,
): Omit<EmulatorState, "protection" | "defense" | "liveResponse"> {
  const rng = new Rng(mixSeed("state", options.seed));
  const sensors = new Map(SENSORS.map((s) => [s.id, sensorDoc(s, options.isolationDelayMs)]));
  for (let i = 0; i < options.scale; i++) {
    const spec = generatedSensorSpec(100 + i, rng);
    sensors.set(spec.id, sensorDoc(spec, options.isolationDelayMs));
  }
  const groups = new Map([
    [1, groupDoc(1, "Default Group", 1)],
    [2, groupDoc(2, "Servers", 1)],
  ]);
  const sites = new Map([[1, siteDoc(1, "Default Site", [1, 2])]]);
  const genSpecs: BinarySpec[] = [];
  for (let i = 0; i < options.scale; i++) {
    const name = `gen-${String(i).padStart(5, "0")}.exe`;
    genSpecs.push({
      md5: md5For(`${options.seed}:${name}`),
      name,
      path: `c:\\program files\\generated\\${name}`,
      desc: `Generated binary ${i}`,
      company: rng.next() < 0.7 ? "Example Software Ltd." : "",
      product: "Generated",
      version: `1.0.${i}`,
      signed: rng.next() < 0.7,
      size: (i + 1) % 100 === 0 ? 16 * 1024 * 1024 : rng.int(4, 64) * 1024,
      is64: rng.next() < 0.5,
      exe: true,
      added: new Date(Date.parse("2017-01-01T00:00:00Z") + i * 60_000).toISOString(),
    });
  }
  const processes = buildProcesses(
    options.seed,
    options.scale,
    [...sensors.keys()],
    genSpecs.map((b) => b.md5),
    options.huntingData ? options.now : undefined,
  );
  // Where each binary ran or was loaded: its endpoints.
  const seenOn = new Map<string, Set<number>>();
  for (const p of processes.values()) {
    const mods = new Set([
      p.md5,
      ...p.segments.flatMap((s) => s.events.modloads.map((m) => m.md5)),
    ]);
    for (const m of mods) {
      if (!seenOn.has(m)) seenOn.set(m, new Set());
      seenOn.get(m)!.add(p.sensorId);
    }
  }
  const binaries = new Map<string, BinaryRecord>();
  for (const spec of [...Object.values(CATALOG), ...genSpecs]) {
    const ids = [...(seenOn.get(spec.md5) ?? [])].sort((a, b) => a - b);
    let endpoints = ids.map((id) => `${sensors.get(id)?.computer_name}|${id}`);
    if (spec.md5 === "C7F5CAE0B450BE875EEE0E6DDFA771FE") endpoints = ["WIN7-HYPERV-2|1"];
    const groupNames = [
      ...new Set(
        ids.map((id) => groups.get(sensors.get(id)?.group_id ?? 1)?.name ?? "Default Group"),
      ),
    ];
    binaries.set(spec.md5, binaryRecord(spec, endpoints, groupNames));
  }
  const bannedHashes = new Map([
    [
      CATALOG["dropper.exe"]!.md5.toLowerCase(),
      bannedDoc(CATALOG["dropper.exe"]!.md5, "known dropper", true),
    ],
    [CATALOG["tmpa4f2.dll"]!.md5.toLowerCase(), bannedDoc(CATALOG["tmpa4f2.dll"]!.md5, "", false)],
  ]);
  return {
    sensors,
    groups,
    sites,
    watchlists: watchlists(),
    bannedHashes,
    processes,
    binaries,
    license: undefined,
    ...buildFeedsAndAlerts({ sensors, groups, processes, binaries, watchlists: watchlists() }),
    ...buildAdminData(options.seed),
  };
}
