// deno-lint-ignore-file no-console
/**
 * Child process of the paging benchmarks. It runs the client side only (the emulator answers
 * from the parent process), so the two never share one event loop.
 *
 * - `ratio TARGET ROUNDS`: iterate every Process result (100 a page) through the library, and
 *   through a bare `fetch` loop over the same pages; alternating order, one warm-up round.
 * - `transport TARGET ROUNDS`: the same pages, bare, over the node transport (node:https with the
 *   certificate pinned, what a profile with ssl_cert_file uses) vs `fetch` (`caCerts`).
 * - `prefetch TARGET ROUNDS`: the same library iteration with and without next-page prefetch
 *   (one page in flight), with a consumer that spends a fixed time on each page (see
 *   {@linkcode runPrefetch}).
 * - `inflight TARGET ROUNDS N`: the library with one page in flight (the sequential baseline)
 *   and with N, against an emulator with a per-search latency; same rows in the same order.
 * - `cpu TARGET ROUNDS`: CPU time of the process for a library loop and a bare `fetch` loop
 *   over the same pages (`process.cpuUsage()`, every thread of the process). The library pins
 *   the emulator's certificate (`sslCertFile`), so it runs over the node transport; when
 *   `DENO_CERT` names that certificate, a third loop runs the library without the pin, over
 *   `fetch` (what a profile without `ssl_cert_file` uses), which separates the cost of the rows
 *   from the cost of the transport.
 *
 * Prints one JSON line.
 *
 * @module
 */
import process from "node:process";
import { CbResponseAPI, Process, ProcessQuery } from "@cbapi/cbapi/response";
import { type BenchTarget, median, readTarget } from "./_util.ts";
import { createNodeTransport, type Transport } from "../core/_transport_node.ts";

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
function barePass(
  target: BenchTarget,
  client: Deno.HttpClient | undefined,
): Promise<{ ms: number; rows: number }> {
  const headers = { "X-Auth-Token": target.token };
  return pagesPass(
    target,
    "Bare fetch",
    (url) => fetch(url, client ? { client, headers } : { headers }),
  );
}

/** One bare pass over the node transport: the same pages, parsed the same way. */
function nodePass(
  target: BenchTarget,
  transport: Transport,
): Promise<{ ms: number; rows: number }> {
  const headers = { "X-Auth-Token": target.token };
  return pagesPass(target, "Node transport", (url) =>
    transport.send(url, {
      method: "GET",
      headers,
      signal: new AbortController().signal,
      fresh: false,
    }));
}

/** Reads every process page with `send` and `res.json()`, counting the rows. */
async function pagesPass(
  target: BenchTarget,
  what: string,
  send: (url: string) => Promise<Response>,
): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  let rows = 0;
  for (let start = 0;; start += PAGE) {
    const url =
      `${target.url}/api/v1/process?cb.urlver=1&facet=false&q=&rows=${PAGE}&start=${start}`;
    const res = await send(url);
    if (!res.ok) throw new Error(`${what} got ${res.status} for ${url}`);
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

/** Node transport vs fetch over the same TLS pages: median of (fetch time / node time). */
async function runTransport(target: BenchTarget, rounds: number): Promise<Record<string, unknown>> {
  if (!target.certFile) throw new Error("The transport comparison needs the HTTPS emulator");
  const pem = await Deno.readTextFile(target.certFile);
  using client = Deno.createHttpClient({ caCerts: [pem] });
  const node = createNodeTransport({
    tls: { ca: [pem], verify: true, verifyHostname: true, forceTls12: false },
    maxFreeSockets: 10,
  });
  try {
    await nodePass(target, node);
    await barePass(target, client);
    const nodeMs: number[] = [];
    const fetchMs: number[] = [];
    const ratios: number[] = [];
    let rows = 0;
    for (let r = 0; r < rounds; r++) {
      const first = r % 2 === 0;
      const a = first ? await nodePass(target, node) : undefined;
      const b = await barePass(target, client);
      const n = a ?? await nodePass(target, node);
      if (n.rows !== b.rows) throw new Error(`Node saw ${n.rows} rows, fetch ${b.rows}`);
      rows = n.rows;
      nodeMs.push(n.ms);
      fetchMs.push(b.ms);
      ratios.push(b.ms / n.ms);
    }
    return { rows, nodeMs, fetchMs, ratio: median(ratios) };
  } finally {
    node.close();
  }
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
 * CPU per row: per round a library pass and a bare pass (and the unpinned library pass; order
 * rotating), each timed by the process's CPU use; the ratio is the median of (library CPU /
 * bare CPU).
 */
async function runCpu(target: BenchTarget, rounds: number): Promise<Record<string, unknown>> {
  await using cb = await connect(target);
  using client = target.certFile
    ? Deno.createHttpClient({ caCerts: [await Deno.readTextFile(target.certFile)] })
    : undefined;
  await using cbFetch = Deno.env.get("DENO_CERT")
    ? await CbResponseAPI.connect({ url: target.url, token: target.token })
    : undefined;
  if (cbFetch && cbFetch.connection.transport !== "fetch") {
    throw new Error("The unpinned library loop does not run over fetch");
  }
  await libraryPass(cb, true);
  await barePass(target, client);
  if (cbFetch) await libraryPass(cbFetch, true);
  const lib: number[] = [];
  const bare: number[] = [];
  const libFetch: number[] = [];
  const ratios: number[] = [];
  const fetchRatios: number[] = [];
  let rows = 0;
  const timed = async (f: () => Promise<{ rows: number }>) => {
    const c0 = cpuMs();
    const r = await f();
    return { rows: r.rows, cpu: cpuMs() - c0 };
  };
  for (let r = 0; r < rounds; r++) {
    // The passes of a round in a rotating order, so that none always runs first.
    const passes: Array<() => Promise<{ rows: number; cpu: number }>> = [
      () => timed(() => libraryPass(cb, true)),
      () => timed(() => barePass(target, client)),
      ...(cbFetch ? [() => timed(() => libraryPass(cbFetch, true))] : []),
    ];
    const out: Array<{ rows: number; cpu: number }> = [];
    for (let k = 0; k < passes.length; k++) {
      const at = (k + r) % passes.length;
      out[at] = await passes[at]!();
    }
    const [l, b, f] = out as [
      { rows: number; cpu: number },
      { rows: number; cpu: number },
      { rows: number; cpu: number } | undefined,
    ];
    if (l.rows !== b.rows) throw new Error(`Library saw ${l.rows} rows, bare fetch ${b.rows}`);
    rows = l.rows;
    lib.push(l.cpu);
    bare.push(b.cpu);
    ratios.push(l.cpu / b.cpu);
    if (f) {
      if (f.rows !== b.rows) throw new Error(`Library saw ${f.rows} rows, bare fetch ${b.rows}`);
      libFetch.push(f.cpu);
      fetchRatios.push(f.cpu / b.cpu);
    }
  }
  return {
    rows,
    libCpuMs: lib,
    bareCpuMs: bare,
    ratio: median(ratios),
    ...(cbFetch ? { libFetchCpuMs: libFetch, fetchRatio: median(fetchRatios) } : {}),
  };
}

if (import.meta.main) {
  const [mode, targetFile, roundsText, extra] = Deno.args;
  const target = await readTarget(targetFile!);
  const rounds = Number(roundsText ?? "3");
  const out = mode === "ratio"
    ? await runRatio(target, rounds)
    : mode === "prefetch"
    ? await runPrefetch(target, rounds)
    : mode === "transport"
    ? await runTransport(target, rounds)
    : mode === "inflight"
    ? await runInFlight(target, rounds, Number(extra ?? "4"))
    : mode === "cpu"
    ? await runCpu(target, rounds)
    : undefined;
  if (!out) {
    throw new Error(`Unknown mode "${mode}": use ratio, transport, prefetch, inflight or cpu`);
  }
  console.log(JSON.stringify(out));
}
