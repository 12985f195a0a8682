// deno-lint-ignore-file no-console
/**
 * Child process of the paging benchmarks. It runs the client side only (the emulator answers
 * from the parent process), so the two never share one event loop.
 *
 * - `ratio TARGET ROUNDS`: iterate every Process result (100 a page) through the library, and
 *   through a bare `fetch` loop over the same pages; alternating order, one warm-up round.
 * - `prefetch TARGET ROUNDS`: the same library iteration with and without next-page prefetch
 *   (one page in flight), with a consumer that spends a fixed time on each page (see
 *   {@linkcode runPrefetch}).
 * - `inflight TARGET ROUNDS N`: the library with one page in flight (the sequential baseline)
 *   and with N, against an emulator with a per-search latency; same rows in the same order.
 * - `cpu TARGET ROUNDS`: CPU time of the process for a library loop and a bare `fetch` loop
 *   over the same pages (`process.cpuUsage()`, every thread of the process).
 *
 * Prints one JSON line.
 *
 * @module
 */
import process from "node:process";
import { CbResponseAPI, Process, ProcessQuery } from "@cbapi/cbapi/response";
import { type BenchTarget, median, readTarget } from "./_util.ts";

const PAGE = 100;

/** A process query that never fetches the next page before the current one is consumed. */
class NoPrefetchProcessQuery extends ProcessQuery {
  /** Prefetch switched off. */
  protected override get prefetch(): boolean {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One library pass: every result, through the public iteration. */
async function libraryPass(
  cb: CbResponseAPI,
  prefetch: boolean,
  consumerMs = 0,
  pagesInFlight?: number,
  keep?: string[],
): Promise<{ ms: number; rows: number }> {
  const base = prefetch ? cb.select(Process) : new NoPrefetchProcessQuery(cb, Process);
  const query = base.sort("").batchSize(PAGE);
  const t0 = performance.now();
  let rows = 0;
  for await (
    const proc of query.iterate(pagesInFlight === undefined ? {} : { pagesInFlight })
  ) {
    if (proc.process_name === undefined) throw new Error("Process row without a name");
    rows++;
    keep?.push(`${proc.id}/${proc.segment_id}`);
    if (consumerMs > 0 && rows % PAGE === 0) await delay(consumerMs);
  }
  return { ms: performance.now() - t0, rows };
}

/** One bare pass: the same pages with `fetch` and `res.json()`, nothing else. */
async function barePass(
  target: BenchTarget,
  client: Deno.HttpClient | undefined,
): Promise<{ ms: number; rows: number }> {
  const headers = { "X-Auth-Token": target.token };
  const t0 = performance.now();
  let rows = 0;
  for (let start = 0;; start += PAGE) {
    const url =
      `${target.url}/api/v1/process?cb.urlver=1&facet=false&q=&rows=${PAGE}&start=${start}`;
    const res = await fetch(url, client ? { client, headers } : { headers });
    if (!res.ok) throw new Error(`Bare fetch got ${res.status} for ${url}`);
    const page = await res.json() as {
      results: Array<{ process_name?: string }>;
      total_results: number;
    };
    for (const row of page.results) {
      if (row.process_name === undefined) throw new Error("Process row without a name");
      rows++;
    }
    if (page.results.length === 0 || start + PAGE >= page.total_results) break;
  }
  return { ms: performance.now() - t0, rows };
}

async function connect(target: BenchTarget): Promise<CbResponseAPI> {
  return await CbResponseAPI.connect(
    target.certFile
      ? { url: target.url, token: target.token, sslCertFile: target.certFile }
      : { url: target.url, token: target.token },
  );
}

/**
 * Library vs bare fetch: per round both passes (order alternating), the ratio of throughputs
 * (bare time / library time); the median over the rounds.
 */
async function runRatio(target: BenchTarget, rounds: number): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  using client = target.certFile
    ? Deno.createHttpClient({ caCerts: [await Deno.readTextFile(target.certFile)] })
    : undefined;
  await libraryPass(cb, true);
  await barePass(target, client);
  const lib: number[] = [];
  const bare: number[] = [];
  const ratios: number[] = [];
  let rows = 0;
  for (let r = 0; r < rounds; r++) {
    let l;
    let b;
    if (r % 2 === 0) {
      l = await libraryPass(cb, true);
      b = await barePass(target, client);
    } else {
      b = await barePass(target, client);
      l = await libraryPass(cb, true);
    }
    if (l.rows !== b.rows) throw new Error(`Library saw ${l.rows} rows, bare fetch ${b.rows}`);
    rows = l.rows;
    lib.push(l.ms);
    bare.push(b.ms);
    ratios.push(b.ms / l.ms);
  }
  return { rows, libMs: lib, bareMs: bare, ratio: median(ratios) };
}

/**
 * Prefetch gain: a warm-up pass without prefetch measures the time a page takes to arrive
 * (fixed latency + server + client); the consumer then spends that long on each page (a
 * balanced pipeline, where one page of prefetch can at best double the throughput). Per round
 * both passes, alternating; the gain is the median of (time without / time with).
 */
async function runPrefetch(target: BenchTarget, rounds: number): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  const warm = await libraryPass(cb, false);
  const pages = Math.ceil(warm.rows / PAGE);
  const consumerMs = Math.max(1, Math.round(warm.ms / pages));
  const without: number[] = [];
  const withPrefetch: number[] = [];
  const gains: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let a;
    let b;
    if (r % 2 === 0) {
      a = await libraryPass(cb, false, consumerMs);
      b = await libraryPass(cb, true, consumerMs, 1);
    } else {
      b = await libraryPass(cb, true, consumerMs, 1);
      a = await libraryPass(cb, false, consumerMs);
    }
    without.push(a.ms);
    withPrefetch.push(b.ms);
    gains.push(a.ms / b.ms);
  }
  return {
    rows: warm.rows,
    pageArrivalMs: warm.ms / pages,
    consumerMsPerPage: consumerMs,
    withoutMs: without,
    withMs: withPrefetch,
    gain: median(gains),
  };
}

/**
 * Pages in flight: per round the sequential baseline (one page in flight) and N in flight,
 * alternating; the speed-up is the median of (baseline time / N time). Every pass must yield
 * the same rows in the same order.
 */
async function runInFlight(
  target: BenchTarget,
  rounds: number,
  n: number,
): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  const seq: number[] = [];
  const par: number[] = [];
  const speedups: number[] = [];
  let reference: string[] | undefined;
  let sameRows = true;
  const pass = async (inFlight: number) => {
    const ids: string[] = [];
    const r = await libraryPass(cb, true, 0, inFlight, ids);
    if (reference === undefined) reference = ids;
    else if (ids.length !== reference.length || ids.some((id, i) => id !== reference![i])) {
      sameRows = false;
    }
    return r;
  };
  await pass(n); // warm-up: the emulator builds its indexes, both sides compile
  let rows = 0;
  for (let r = 0; r < rounds; r++) {
    let a;
    let b;
    if (r % 2 === 0) {
      a = await pass(1);
      b = await pass(n);
    } else {
      b = await pass(n);
      a = await pass(1);
    }
    rows = a.rows;
    seq.push(a.ms);
    par.push(b.ms);
    speedups.push(a.ms / b.ms);
  }
  return { rows, pagesInFlight: n, seqMs: seq, parMs: par, speedup: median(speedups), sameRows };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU per row: per round a library pass and a bare pass (order alternating), each timed by the
 * process's CPU use; the ratio is the median of (library CPU / bare CPU).
 */
async function runCpu(target: BenchTarget, rounds: number): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  using client = target.certFile
    ? Deno.createHttpClient({ caCerts: [await Deno.readTextFile(target.certFile)] })
    : undefined;
  await libraryPass(cb, true);
  await barePass(target, client);
  const lib: number[] = [];
  const bare: number[] = [];
  const ratios: number[] = [];
  let rows = 0;
  const timed = async (f: () => Promise<{ rows: number }>) => {
    const c0 = cpuMs();
    const r = await f();
    return { rows: r.rows, cpu: cpuMs() - c0 };
  };
  for (let r = 0; r < rounds; r++) {
    let l;
    let b;
    if (r % 2 === 0) {
      l = await timed(() => libraryPass(cb, true));
      b = await timed(() => barePass(target, client));
    } else {
      b = await timed(() => barePass(target, client));
      l = await timed(() => libraryPass(cb, true));
    }
    if (l.rows !== b.rows) throw new Error(`Library saw ${l.rows} rows, bare fetch ${b.rows}`);
    rows = l.rows;
    lib.push(l.cpu);
    bare.push(b.cpu);
    ratios.push(l.cpu / b.cpu);
  }
  return { rows, libCpuMs: lib, bareCpuMs: bare, ratio: median(ratios) };
}

if (import.meta.main) {
  const [mode, targetFile, roundsText, extra] = Deno.args;
  const target = await readTarget(targetFile!);
  const rounds = Number(roundsText ?? "3");
  const out = mode === "ratio"
    ? await runRatio(target, rounds)
    : mode === "prefetch"
    ? await runPrefetch(target, rounds)
    : mode === "inflight"
    ? await runInFlight(target, rounds, Number(extra ?? "4"))
    : mode === "cpu"
    ? await runCpu(target, rounds)
    : undefined;
  if (!out) throw new Error(`Unknown mode "${mode}": use ratio, prefetch, inflight or cpu`);
  console.log(JSON.stringify(out));
}
