/**
 * The Live Response figures: RSS growth of a 1 GiB `getRawFile` to disk, and a job over 50
 * sensors with 10 slots against ceil(50/10) job times. Runs its own HTTPS emulator (a small data
 * set with enough sensors) with a fixed command time and a generated 1 GiB file on every endpoint.
 *
 * @module
 */
import { CbEmulator } from "@cbapi/cbapi/testing";
import type { BenchTarget } from "./_util.ts";
import { runDeno } from "./_util.ts";

/** What the Live Response benchmark measured (undefined figures come with a reason). */
export interface LiveResponseFigures {
  /** RSS growth of the `getRawFile` download, MiB. */
  rawFileRssMib?: number;
  /** Why the `getRawFile` figure is missing. */
  rawFileReason?: string;
  /** One-line description of the download. */
  rawFileDetail?: string;
  /** Job wall time / (ceil(S/K) × T). */
  jobRatio?: number;
  /** Why the job figure is missing. */
  jobReason?: string;
  /** One-line description of the job run. */
  jobDetail?: string;
  /** Raw numbers for the JSON details. */
  details: Record<string, unknown>;
}

const GIB = 2 ** 30;
const SENSORS = 50;
const SLOTS = 10;
const RAW_PATH = String.raw`c:\cbapi-bench\big.bin`;

interface RawFileResult {
  transport: string;
  bytes: number;
  ms: number;
  mibPerSecond: number;
  rssBeforeMib: number;
  rssPeakMib: number;
  rssGrowthMib: number;
}

interface JobResult {
  sensors: number;
  slots: number;
  singleMs: number;
  allMs: number;
  ok: number;
  errors: string[];
}

function message(e: unknown): string {
  return e instanceof Error ? e.message.split("\n")[0]! : String(e);
}

/**
 * Measures the Live Response figures.
 *
 * @param dir A temporary folder for the target file and the download.
 * @param jobMs The fixed job time T (the emulator's command time).
 * @returns The figures, or reasons where they could not be measured.
 */
export async function liveResponseFigures(dir: string, jobMs = 1000): Promise<LiveResponseFigures> {
  const out: LiveResponseFigures = { details: {} };
  await using emu = await CbEmulator.start({
    tls: true,
    scale: SENSORS + 20,
    liveResponse: {
      commandDelayMs: jobMs,
      activationDelayMs: 10,
      maxSessions: SLOTS,
      generatedFiles: [{ path: RAW_PATH, size: GIB }],
    },
  });
  const target: BenchTarget = { url: emu.url, token: emu.token };
  if (emu.certFile) target.certFile = emu.certFile;
  const targetFile = `${dir}/lr.json`;
  await Deno.writeTextFile(targetFile, JSON.stringify(target), { mode: 0o600 });
  const online = [...emu.state.sensors.values()].filter((s) => s.status === "Online");
  const windows = online.find((s) => s.os_type === 1);

  try {
    if (!windows) throw new Error("the emulator has no online Windows sensor");
    const outFile = `${dir}/rawfile.bin`;
    const r = (await runDeno<RawFileResult>("bench/_lr_worker.ts", [
      "rawfile",
      targetFile,
      String(windows.id),
      RAW_PATH,
      outFile,
    ])).result;
    await Deno.remove(outFile).catch(() => {});
    if (r.bytes !== GIB) {
      throw new Error(`getRawFile wrote ${r.bytes} bytes to disk, not ${GIB}`);
    }
    out.rawFileRssMib = r.rssGrowthMib;
    out.rawFileDetail = `1 GiB to disk over the ${r.transport} transport (pinned certificate) in ${
      (r.ms / 1000).toFixed(1)
    } s (${Math.round(r.mibPerSecond)} MiB/s), RSS ${Math.round(r.rssBeforeMib)} -> ${
      Math.round(r.rssPeakMib)
    } MiB`;
    out.details.get_raw_file = { ...r, ms: Math.round(r.ms) };
  } catch (e) {
    out.rawFileReason = `getRawFile could not be measured: ${message(e)}`;
  }

  try {
    const ids = online.slice(0, SENSORS).map((s) => String(s.id));
    if (ids.length < SENSORS) throw new Error(`only ${ids.length} online sensors`);
    const j = (await runDeno<JobResult>("bench/_lr_worker.ts", ["job", targetFile, "10", ...ids]))
      .result;
    if (j.ok !== SENSORS) {
      throw new Error(`${SENSORS - j.ok} of ${SENSORS} jobs failed (${j.errors.join("; ")})`);
    }
    const waves = Math.ceil(SENSORS / j.slots);
    const ideal = waves * jobMs;
    out.jobRatio = j.allMs / ideal;
    out.jobDetail = `${SENSORS} sensors, ${j.slots} slots, T = ${jobMs} ms: ${
      Math.round(j.allMs)
    } ms vs ${ideal} ms ideal; one sensor alone ${Math.round(j.singleMs)} ms`;
    out.details.lr_job = {
      ...j,
      jobMs,
      idealMs: ideal,
      allMs: Math.round(j.allMs),
      singleMs: Math.round(j.singleMs),
      // The scheduler alone: the run against ceil(S/K) times one sensor's whole job (session
      // open, command, close) measured in the same child.
      ratioVsSingleSensor: Math.round((j.allMs / (waves * j.singleMs)) * 100) / 100,
    };
  } catch (e) {
    out.jobReason = `the Live Response job could not be measured: ${message(e)}`;
  }
  return out;
}
