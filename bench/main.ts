// deno-lint-ignore-file no-console
/**
 * `deno task bench`: measures the performance goals of DESIGN.md "Performance" in one run, as
 * ratios, against the emulator served over HTTPS (as users run it) with a generated data set,
 * prints a readable table, then exactly one JSON object as the last line.
 *
 * The emulator runs in this process; every client under measurement runs in a child process
 * (`Deno.Command`), so client and server never share an event loop and RSS figures are clean.
 *
 * ```sh
 * deno task bench [--rounds 5] [--latency-ms 20] [--inflight-latency-ms 50]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULT_PAGES_IN_FLIGHT } from "@cbapi/cbapi/core";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { joinEverythingExample, walkParentsExample } from "./_joins.ts";
import { liveResponseFigures } from "./_live_response.ts";
import { eventsFigures } from "./_events.ts";
import type { DecodeFigures } from "./_decode_bench.ts";
import { surveyFigures, surveyTableRow } from "./_survey.ts";
import {
  type BenchTarget,
  formatTable,
  median,
  projectRoot,
  round,
  runDeno,
  type TableRow,
} from "./_util.ts";

const ROWS = 10_000;
const GIB = 2 ** 30;

interface TransportResult {
  rows: number;
  nodeMs: number[];
  fetchMs: number[];
  ratio: number;
}

interface RatioResult {
  rows: number;
  libMs: number[];
  bareMs: number[];
  ratio: number;
}

interface PrefetchResult {
  rows: number;
  pageArrivalMs: number;
  consumerMsPerPage: number;
  withoutMs: number[];
  withMs: number[];
  gain: number;
}

interface InFlightResult {
  rows: number;
  pagesInFlight: number;
  seqMs: number[];
  parMs: number[];
  speedup: number;
  sameRows: boolean;
}

interface CpuResult {
  rows: number;
  libCpuMs: number[];
  bareCpuMs: number[];
  ratio: number;
  libFetchCpuMs?: number[];
  fetchRatio?: number;
}

interface StreamResult {
  bytes: number;
  ms: number;
  mibPerSecond: number;
  rssBeforeMib: number;
  rssPeakMib: number;
  rssGrowthMib: number;
  runsMib?: number[];
  pipeToMib?: number;
}

interface PythonResult {
  rows: number;
  ms: number[];
  version: string;
}

/** Rows the seeded data set has before any generated ones (so that scale adds up to 10,000). */
async function baseRows(): Promise<number> {
  await using emu = await CbEmulator.start();
  const res = await fetch(`${emu.url}/api/v1/process?cb.urlver=1&q=&rows=0&start=0`, {
    headers: { "X-Auth-Token": emu.token },
  });
  const body = await res.json() as { total_results: number };
  return body.total_results;
}

async function writeTarget(dir: string, name: string, emu: CbEmulator): Promise<string> {
  const target: BenchTarget = { url: emu.url, token: emu.token };
  if (emu.certFile) target.certFile = emu.certFile;
  const path = `${dir}/${name}.json`;
  await Deno.writeTextFile(path, JSON.stringify(target), { mode: 0o600 });
  return path;
}

async function coldStart(
  emu: CbEmulator,
  dir: string,
  runs: number,
): Promise<{ first: number; median: number; runs: number[]; found: number }> {
  const cwd = `${dir}/hunt`;
  await Deno.mkdir(`${cwd}/.carbonblack`, { recursive: true });
  const creds = await emu.credentialsFile("response", { profile: "cbapi-bench" });
  await Deno.copyFile(creds, `${cwd}/.carbonblack/credentials.response`);
  const env = { CBAPI_PROFILE: "cbapi-bench", CBAPI_URL: "", CBAPI_TOKEN: "" };
  const permissions = ["--allow-net=127.0.0.1", "--allow-read", "--allow-env"];
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i <= runs; i++) {
    const out = await runDeno<{ found: number }>("bench/hunt.ts", [], { env, cwd, permissions });
    times.push(out.wallMs);
    found = out.result.found;
  }
  return { first: times[0]!, median: median(times.slice(1)), runs: times.slice(1), found };
}

/** The 1-minute load average (Linux), to read the paging figures in context. */
// deno-lint-ignore require-await
async function readLoadAverage(): Promise<string | undefined> {
  // Deno.loadavg() (--allow-sys): reading /proc takes more than --allow-read in Deno 2.
  try {
    return Deno.loadavg()[0]?.toFixed(2);
  } catch {
    return undefined;
  }
}

/**
 * Cold start of a one-line Response script (import the module, print a line) against an empty
 * script, alternating, each spawned with `deno run`; the difference is what importing costs.
 */
async function oneLineStart(
  runs: number,
): Promise<{ oneLine: number; empty: number; importMs: number }> {
  const one: number[] = [];
  const empty: number[] = [];
  await runDeno("bench/_one_line.ts", [], { permissions: [] });
  for (let i = 0; i < runs; i++) {
    one.push((await runDeno("bench/_one_line.ts", [], { permissions: [] })).wallMs);
    empty.push((await runDeno("bench/_empty.ts", [], { permissions: [] })).wallMs);
  }
  const a = median(one);
  const b = median(empty);
  return { oneLine: a, empty: b, importMs: a - b };
}

async function pythonPeer(
  emu: CbEmulator,
  rounds: number,
): Promise<{ result?: PythonResult; reason?: string }> {
  let probe;
  try {
    probe = await new Deno.Command("python3", {
      args: ["-c", "import cbapi"],
      stdout: "null",
      stderr: "piped",
      stdin: "null",
    }).output();
  } catch {
    return { reason: "no python3 interpreter on PATH" };
  }
  if (!probe.success) {
    return {
      reason: "python3 cannot import the cbapi package (not installed; PyPI is not reachable " +
        "from this machine), so no Python figure was measured",
    };
  }
  const creds = await emu.credentialsFile("response");
  const out = await new Deno.Command("python3", {
    args: [`${projectRoot()}bench/_python_paging.py`, creds, String(rounds)],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
    return { reason: `the Python peer failed: ${err}` };
  }
  return { result: JSON.parse(text.split("\n").at(-1)!) as PythonResult };
}

function gate(value: number | undefined, ok: (v: number) => boolean): boolean | undefined {
  return value === undefined ? undefined : ok(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      rounds: { type: "string", default: "5" },
      "latency-ms": { type: "string", default: "20" },
      "inflight-latency-ms": { type: "string", default: "50" },
    },
  });
  const inflightLatency = Math.max(1, Number(values["inflight-latency-ms"]));
  const rounds = Math.max(1, Number(values.rounds));
  const latencyMs = Math.max(1, Number(values["latency-ms"]));
  const started = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "cbapi-bench-" });
  const log = (msg: string) =>
    console.error(`[bench ${round((performance.now() - started) / 1000, 1)}s] ${msg}`);
  try {
    const scale = Math.max(0, ROWS - await baseRows());
    log(`data set: ${ROWS} process rows (scale ${scale}), emulator over HTTPS`);

    // 1. The HTTPS emulator: paging ratio, joins, cold start, streaming, Live Response, Python.
    let ratio: RatioResult;
    let transport: TransportResult;
    let joins;
    let cold;
    let stream: StreamResult;
    let python;
    let cpu: CpuResult;
    {
      await using emu = await CbEmulator.start({ tls: true, scale });
      const target = await writeTarget(dir, "tls", emu);
      log("paging: library vs bare fetch");
      ratio =
        (await runDeno<RatioResult>("bench/_paging_worker.ts", ["ratio", target, String(rounds)]))
          .result;
      log("paging: node transport vs fetch, both over TLS");
      transport = (await runDeno<TransportResult>("bench/_paging_worker.ts", [
        "transport",
        target,
        String(rounds),
      ])).result;
      log("loop CPU: library vs bare fetch");
      // DENO_CERT lets an unpinned library loop reach the emulator over fetch as well.
      cpu = (await runDeno<CpuResult>("bench/_paging_worker.ts", ["cpu", target, String(rounds)], {
        env: emu.certFile ? { DENO_CERT: emu.certFile } : {},
      })).result;
      log("joins: walk-parents and join-everything examples");
      joins = {
        walkParents: await walkParentsExample(emu),
        joinEverything: await joinEverythingExample(emu),
      };
      log("cold start: one-file hunting script");
      cold = await coldStart(emu, dir, 5);
      log("streaming: 1 GiB binary through Binary.file()");
      const [md5, record] = [...emu.state.binaries.entries()].find(([, b]) => b.size > 0)!;
      record.size = GIB;
      // Five runs with a BYOB reader (the documented bounded-memory way: the member is inflated
      // into the reader's buffer), the median is the figure; one pipeTo run for comparison
      // (fresh chunks, which V8 collects about 64 MiB at a time).
      const runs: StreamResult[] = [];
      for (let i = 0; i < 6; i++) {
        runs.push(
          (await runDeno<StreamResult>("bench/_stream_worker.ts", [
            i < 5 ? "binary" : "binary-pipe",
            target,
            md5,
            `${dir}/binary.bin`,
          ])).result,
        );
      }
      const piped = runs.pop()!;
      runs.sort((a, b) => a.rssGrowthMib - b.rssGrowthMib);
      stream = {
        ...runs[2]!,
        runsMib: runs.map((r) => round(r.rssGrowthMib, 1)),
        pipeToMib: round(piped.rssGrowthMib, 1),
      };
      await Deno.remove(`${dir}/binary.bin`).catch(() => {});
      log("python peer");
      python = await pythonPeer(emu, rounds);
    }

    // 2. Live Response on its own emulator (fixed command time, a generated 1 GiB file).
    log("live response: getRawFile and a job over 50 sensors");
    const lr = await liveResponseFigures(dir);

    // 3. Prefetch gain: the same data set with a fixed per-page latency.
    let prefetch: PrefetchResult;
    {
      await using emu = await CbEmulator.start({ tls: true, scale, latencyMs });
      const target = await writeTarget(dir, "latency", emu);
      log(`paging: prefetch on vs off, ${latencyMs} ms per answer`);
      prefetch = (await runDeno<PrefetchResult>("bench/_paging_worker.ts", [
        "prefetch",
        target,
        String(Math.max(1, Math.min(rounds, 3))),
      ])).result;
    }

    // 3b. Pages in flight: the same data set, each search answer held back as a real server's
    // index does; the emulator counts the requests it handles at once.
    let inflight: InFlightResult;
    let maxInFlight: number;
    let loadAverage: string | undefined;
    {
      await using emu = await CbEmulator.start({
        tls: true,
        scale,
        searchLatencyMs: inflightLatency,
      });
      const target = await writeTarget(dir, "inflight", emu);
      log(
        `paging: ${DEFAULT_PAGES_IN_FLIGHT} pages in flight vs 1, ${inflightLatency} ms per search`,
      );
      emu.clearRequests();
      inflight = (await runDeno<InFlightResult>("bench/_paging_worker.ts", [
        "inflight",
        target,
        String(Math.max(1, Math.min(rounds, 3))),
        String(DEFAULT_PAGES_IN_FLIGHT),
      ])).result;
      maxInFlight = Math.max(0, ...emu.requests.map((r) => r.inFlight));
      loadAverage = await readLoadAverage();
    }

    log("cold start: one-line Response script vs an empty script");
    const oneLine = await oneLineStart(Math.max(5, rounds * 2));

    // 4. Control: the same paging ratio over plain HTTP (see the note in the JSON).
    let plain: RatioResult;
    {
      await using emu = await CbEmulator.start({ scale });
      const target = await writeTarget(dir, "plain", emu);
      log("paging over plain HTTP (control)");
      plain =
        (await runDeno<RatioResult>("bench/_paging_worker.ts", ["ratio", target, String(rounds)]))
          .result;
    }

    // 5. Event API: raw sensor events through a real RabbitMQ (rows from bench/_events.ts).
    log("events: one consumer, two on a shared queue, real RabbitMQ");
    const events = await eventsFigures();
    log("events: decode + dispatch of raw sensor events in one process, no broker");
    const decode = (await runDeno<DecodeFigures>("bench/_decode_bench.ts", ["100000", "5"])).result;

    // 6. Survey: 50 programs, one search at a time vs the default concurrency.
    log("survey: 50 programs, sequential vs default concurrency");
    const survey = await surveyFigures(dir);

    const walk = joins.walkParents;
    const join = joins.joinEverything;
    const joinRatio = round((walk.requests + join.requests) / (walk.objects + join.objects), 3);
    const denoPagingMs = median(ratio.libMs);
    const pythonRatio = python.result ? round(median(python.result.ms) / denoPagingMs) : undefined;
    const inflightOk = inflight.sameRows && maxInFlight <= inflight.pagesInFlight;
    const figures = {
      paging_in_flight_speedup: round(inflight.speedup),
      loop_cpu_vs_bare_fetch: round(cpu.ratio),
      cold_start_one_line_ms: Math.round(oneLine.oneLine),
      paging_vs_bare_fetch: round(ratio.ratio),
      paging_node_transport_vs_fetch: round(transport.ratio),
      paging_prefetch_gain: round(prefetch.gain),
      stream_rss_mib: {
        binary_file: round(stream.rssGrowthMib, 1),
        get_raw_file: lr.rawFileRssMib === undefined ? null : round(lr.rawFileRssMib, 1),
        ...(lr.rawFileReason ? { get_raw_file_reason: lr.rawFileReason } : {}),
      },
      lr_job_ratio: lr.jobRatio === undefined ? null : round(lr.jobRatio),
      ...(lr.jobReason ? { lr_job_ratio_reason: lr.jobReason } : {}),
      join_request_ratio: joinRatio,
      cold_start_ms: Math.round(cold.median),
      paging_vs_python: pythonRatio ?? null,
      survey_speedup: survey.speedup,
      ...(python.reason ? { paging_vs_python_reason: python.reason } : {}),
      ...events.figures,
      events_decode_dispatch_per_cpu_s: decode.consumer,
    };
    const streamOk = stream.bytes === GIB;
    const goalsMet = {
      paging_in_flight_speedup: inflightOk && inflight.speedup >= 3,
      loop_cpu_vs_bare_fetch: cpu.ratio <= 1.3,
      paging_vs_bare_fetch: ratio.ratio >= 0.7,
      paging_node_transport_vs_fetch: transport.ratio >= 0.9,
      paging_prefetch_gain: prefetch.gain >= 1.5,
      stream_rss_mib: streamOk && stream.rssGrowthMib < 48 &&
        (lr.rawFileRssMib === undefined || lr.rawFileRssMib < 64),
      lr_job_ratio: gate(lr.jobRatio, (v) => v <= 1.15) ?? null,
      join_request_ratio: joinRatio <= 1,
      paging_vs_python: gate(pythonRatio, (v) => v >= 3) ?? null,
      survey_speedup: survey.speedup >= 3 && survey.sameRows,
      ...events.goalsMet,
    };
    const rows: TableRow[] = [
      {
        name: "paging_node_transport_vs_fetch",
        value: figures.paging_node_transport_vs_fetch,
        goal: ">= 0.9",
        met: goalsMet.paging_node_transport_vs_fetch,
        detail: `the same ${transport.rows} rows over TLS, bare: node transport ${
          Math.round(median(transport.nodeMs))
        } ms, fetch ${Math.round(median(transport.fetchMs))} ms (median of ${rounds})`,
      },
      {
        name: "paging_in_flight_speedup",
        value: figures.paging_in_flight_speedup,
        goal: ">= 3, same rows, <= N in flight",
        met: goalsMet.paging_in_flight_speedup,
        detail:
          `${inflight.rows} rows, 100/page, ${inflightLatency} ms per search answer: 1 in flight ${
            Math.round(median(inflight.seqMs))
          } ms, ${inflight.pagesInFlight} in flight ${
            Math.round(median(inflight.parMs))
          } ms; emulator saw at most ${maxInFlight} at once; same rows in order: ${
            inflight.sameRows ? "yes" : "NO"
          }`,
      },
      {
        name: "loop_cpu_vs_bare_fetch",
        value: figures.loop_cpu_vs_bare_fetch,
        goal: "<= 1.3",
        met: goalsMet.loop_cpu_vs_bare_fetch,
        detail:
          `${cpu.rows} rows, HTTPS, process CPU: library ${Math.round(median(cpu.libCpuMs))} ms (${
            round(median(cpu.libCpuMs) * 1000 / cpu.rows, 1)
          } us/row), bare fetch ${
            Math.round(median(cpu.bareCpuMs))
          } ms (median of ${rounds}); the library pins the certificate, so it runs over the node ` +
          `transport${
            cpu.libFetchCpuMs
              ? `; without the pin, over fetch: ${Math.round(median(cpu.libFetchCpuMs))} ms, ` +
                `ratio ${round(cpu.fetchRatio!)}`
              : ""
          }; load average ${loadAverage ?? "?"}`,
      },
      {
        name: "cold_start_one_line_ms",
        value: figures.cold_start_one_line_ms,
        goal: "(report)",
        met: undefined,
        detail: `deno run of a one-line Response script; an empty script takes ${
          Math.round(oneLine.empty)
        } ms, so importing costs ${Math.round(oneLine.importMs)} ms`,
      },
      {
        name: "paging_vs_bare_fetch",
        value: figures.paging_vs_bare_fetch,
        goal: ">= 0.7",
        met: goalsMet.paging_vs_bare_fetch,
        detail: `${ratio.rows} rows, 100/page, HTTPS: library ${
          Math.round(denoPagingMs)
        } ms, bare fetch ${
          Math.round(median(ratio.bareMs))
        } ms (median of ${rounds}); plain HTTP control ${round(plain.ratio)}`,
      },
      {
        name: "paging_prefetch_gain",
        value: figures.paging_prefetch_gain,
        goal: ">= 1.5",
        met: goalsMet.paging_prefetch_gain,
        detail:
          `${latencyMs} ms server latency, consumer ${prefetch.consumerMsPerPage} ms/page: without ${
            Math.round(median(prefetch.withoutMs))
          } ms, with ${Math.round(median(prefetch.withMs))} ms`,
      },
      {
        name: "stream_rss_mib (Binary.file)",
        value: figures.stream_rss_mib.binary_file,
        goal: "< 48",
        met: streamOk && stream.rssGrowthMib < 48,
        detail: `1 GiB to disk, BYOB reader, in ${round(stream.ms / 1000, 1)} s (${
          Math.round(stream.mibPerSecond)
        } MiB/s), RSS ${Math.round(stream.rssBeforeMib)} -> ${
          Math.round(stream.rssPeakMib)
        } MiB; median of 5: ${stream.runsMib?.join(", ")}; pipeTo ${stream.pipeToMib}`,
      },
      {
        name: "stream_rss_mib (getRawFile)",
        value: lr.rawFileRssMib === undefined ? undefined : round(lr.rawFileRssMib, 1),
        goal: "< 64",
        met: gate(lr.rawFileRssMib, (v) => v < 64),
        detail: lr.rawFileDetail ?? lr.rawFileReason ?? "",
      },
      {
        name: "lr_job_ratio",
        value: figures.lr_job_ratio ?? undefined,
        goal: "<= 1.15",
        met: goalsMet.lr_job_ratio ?? undefined,
        detail: lr.jobDetail ?? lr.jobReason ?? "",
      },
      {
        name: "join_request_ratio",
        value: joinRatio,
        goal: "<= 1.0",
        met: goalsMet.join_request_ratio,
        detail:
          `walk-parents ${walk.requests} requests / ${walk.objects} objects, join-everything ${join.requests} / ${join.objects}`,
      },
      {
        name: "cold_start_ms",
        value: figures.cold_start_ms,
        goal: "(report)",
        met: undefined,
        detail:
          `import + connect + one query (${cold.found} found), median of ${cold.runs.length}; first run ${
            Math.round(cold.first)
          } ms`,
      },
      {
        name: "paging_vs_python",
        value: pythonRatio,
        goal: ">= 3",
        met: goalsMet.paging_vs_python ?? undefined,
        detail: python.result
          ? `cbapi ${python.result.version}: ${Math.round(median(python.result.ms))} ms vs ${
            Math.round(denoPagingMs)
          } ms`
          : python.reason ?? "",
      },
      ...events.rows,
      {
        name: "events_decode_dispatch_per_cpu_s",
        value: decode.consumer,
        goal: "(report)",
        met: undefined,
        detail: `raw sensor events decoded + dispatched per CPU-second, no broker (every value ` +
          `new: ${decode.consumerDistinct}); decodeSensorEvent ${decode.decode}, protobufjs ` +
          `decode ${decode.protobufjs}`,
      },
    ];
    rows.push(surveyTableRow(survey));
    console.log(formatTable(rows));
    console.log("");
    const json = {
      ...figures,
      goals_met: goalsMet,
      details: {
        rows: ratio.rows,
        scale,
        tls: true,
        rounds,
        paging_in_flight: {
          latency_ms: inflightLatency,
          pages_in_flight: inflight.pagesInFlight,
          sequential_ms: inflight.seqMs.map(Math.round),
          in_flight_ms: inflight.parMs.map(Math.round),
          emulator_max_in_flight: maxInFlight,
          load_average: loadAverage ?? null,
          same_rows: inflight.sameRows,
        },
        loop_cpu: {
          library_ms: cpu.libCpuMs.map(Math.round),
          bare_fetch_ms: cpu.bareCpuMs.map(Math.round),
          library_over_fetch_ms: cpu.libFetchCpuMs?.map(Math.round) ?? null,
          library_over_fetch_ratio: cpu.fetchRatio === undefined ? null : round(cpu.fetchRatio),
        },
        cold_start_one_line: {
          one_line_ms: Math.round(oneLine.oneLine),
          empty_ms: Math.round(oneLine.empty),
          import_ms: Math.round(oneLine.importMs),
        },
        paging_library_ms: ratio.libMs.map(Math.round),
        paging_bare_fetch_ms: ratio.bareMs.map(Math.round),
        paging_node_transport_ms: transport.nodeMs.map(Math.round),
        paging_fetch_transport_ms: transport.fetchMs.map(Math.round),
        paging_vs_bare_fetch_plain_http: round(plain.ratio),
        prefetch_latency_ms: latencyMs,
        prefetch_consumer_ms_per_page: prefetch.consumerMsPerPage,
        prefetch_without_ms: prefetch.withoutMs.map(Math.round),
        prefetch_with_ms: prefetch.withMs.map(Math.round),
        stream_binary_file: { ...stream, ms: Math.round(stream.ms) },
        join_walk_parents: { requests: walk.requests, objects: walk.objects },
        join_everything: { requests: join.requests, objects: join.objects },
        cold_start_runs_ms: cold.runs.map(Math.round),
        cold_start_first_run_ms: Math.round(cold.first),
        ...lr.details,
        survey,
        ...events.details,
        events_decode: decode,
        deno: Deno.version.deno,
        total_s: round((performance.now() - started) / 1000, 1),
      },
    };
    console.log(JSON.stringify(json));
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  await main();
}
