// deno-lint-ignore-file no-console
/**
 * Child process of the Live Response benchmarks.
 *
 * - `rawfile TARGET SENSOR PATH OUTFILE`: streams a file of the endpoint through
 *   `session.getRawFile()` to disk; reports RSS growth (peak during the download minus before).
 * - `job TARGET POLL_MS SENSOR...`: one job (one command, which the emulator makes last a fixed
 *   time) over the sensors with the scheduler's default 10 slots; reports the wall time, and the
 *   time of the same job on one sensor alone.
 *
 * Prints one JSON line.
 *
 * @module
 */
import { CbResponseAPI } from "@cbapi/cbapi/response";
import { type BenchTarget, readTarget, rssNow } from "./_util.ts";

const MIB = 1024 * 1024;

async function connect(target: BenchTarget): Promise<CbResponseAPI> {
  return await CbResponseAPI.connect(
    target.certFile
      ? { url: target.url, token: target.token, sslCertFile: target.certFile }
      : { url: target.url, token: target.token },
  );
}

async function rawFile(
  target: BenchTarget,
  sensorId: number,
  path: string,
  outFile: string,
): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  cb.liveResponse.configure({ sessionPollInterval: 10, commandPollInterval: 10 });
  await using session = await cb.liveResponse.requestSession(sensorId);
  const before = await rssNow();
  let peak = before.rss;
  const timer = setInterval(async () => {
    const { rss } = await rssNow();
    if (rss > peak) peak = rss;
  }, 5);
  const t0 = performance.now();
  try {
    // The documented pattern, unchanged (the size is checked on disk afterwards).
    await (await session.getRawFile(path)).pipeTo((await Deno.create(outFile)).writable);
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  const after = await rssNow();
  const hwmMoved = before.peak !== undefined && after.peak !== undefined &&
    after.peak > before.peak;
  const top = Math.max(peak, after.rss, hwmMoved ? after.peak! : 0);
  const bytes = (await Deno.stat(outFile)).size;
  return {
    transport: cb.connection.transport,
    bytes,
    ms,
    mibPerSecond: bytes / MIB / (ms / 1000),
    rssBeforeMib: before.rss / MIB,
    rssPeakMib: top / MIB,
    rssGrowthMib: Math.max(0, top - before.rss) / MIB,
  };
}

async function job(
  target: BenchTarget,
  pollMs: number,
  sensors: number[],
): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  cb.liveResponse.configure({ sessionPollInterval: pollMs, commandPollInterval: pollMs });
  const work = async (s: { listProcesses(): Promise<unknown[]> }) =>
    (await s.listProcesses()).length;
  const runOnce = async (ids: number[]) => {
    const t0 = performance.now();
    let ok = 0;
    const errors: string[] = [];
    await using run = cb.liveResponse.submitJob(work, ids, { pollInterval: pollMs });
    for await (const r of run) {
      if (r.ok) ok++;
      else {errors.push(
          `${r.sensorId}: ${r.error instanceof Error ? r.error.message : String(r.error)}`,
        );}
    }
    return { ms: performance.now() - t0, ok, errors };
  };
  const single = await runOnce([sensors[0]!]);
  const all = await runOnce(sensors);
  return {
    sensors: sensors.length,
    slots: cb.liveResponse.settings.maxSessions,
    singleMs: single.ms,
    allMs: all.ms,
    ok: all.ok,
    errors: all.errors.slice(0, 3),
  };
}

if (import.meta.main) {
  const [mode, targetFile, ...rest] = Deno.args;
  const target = await readTarget(targetFile!);
  let out: Record<string, unknown>;
  if (mode === "rawfile") {
    out = await rawFile(target, Number(rest[0]), rest[1]!, rest[2]!);
  } else if (mode === "job") {
    out = await job(target, Number(rest[0]), rest.slice(1).map(Number));
  } else {
    throw new Error(`Unknown mode "${mode}": use rawfile or job`);
  }
  console.log(JSON.stringify(out));
}
