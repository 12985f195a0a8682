/**
 * The survey benchmark: 50 programs (the bundled definitions plus generated ones) against the
 * emulator over HTTPS with a fixed latency per answer (a real server takes 0.1-2 s a search
 * page), run one search at a time and with the default concurrency, in a child process. The
 * CSV of both runs must be the same bytes.
 *
 * @module
 */
import { CbEmulator } from "@cbapi/cbapi/testing";
import { DEFAULT_CONCURRENCY } from "@cbapi/cbapi/survey";
import { round, runDeno, type TableRow } from "./_util.ts";

/** Per-answer latency of the survey benchmark (ms). */
export const SURVEY_LATENCY_MS = 100;
/** Generated processes of the survey benchmark's data set. */
const SURVEY_SCALE = 2_000;

/** What the survey worker reports for one concurrency. */
export interface SurveyRun {
  /** Programs surveyed. */
  programs: number;
  /** Searches sent. */
  searches: number;
  /** Rows written. */
  rows: number;
  /** Wall-clock time of the survey. */
  ms: number;
  /** SHA-256 of the CSV. */
  sha256: string;
}

/** The survey figures. */
export interface SurveyFigures {
  /** Sequential time / concurrent time. */
  speedup: number;
  /** Whether both runs wrote the same CSV bytes. */
  sameRows: boolean;
  /** One search at a time. */
  sequential: SurveyRun;
  /** The default concurrency. */
  concurrent: SurveyRun;
  /** The default concurrency. */
  concurrency: number;
  /** Latency per answer (ms). */
  latencyMs: number;
}

/**
 * Runs the survey benchmark on its own emulator.
 *
 * @param dir A scratch folder.
 * @returns The figures.
 */
export async function surveyFigures(dir: string): Promise<SurveyFigures> {
  await using emu = await CbEmulator.start({
    tls: true,
    scale: SURVEY_SCALE,
    searchLatencyMs: SURVEY_LATENCY_MS,
  });
  const target = `${dir}/survey-target.json`;
  await Deno.writeTextFile(
    target,
    JSON.stringify({ url: emu.url, token: emu.token, certFile: emu.certFile }),
    { mode: 0o600 },
  );
  const run = async (concurrency: number) =>
    (await runDeno<SurveyRun>("bench/_survey_worker.ts", [
      target,
      String(concurrency),
      `${dir}/survey-${concurrency}.csv`,
    ])).result;
  const sequential = await run(1);
  const concurrent = await run(DEFAULT_CONCURRENCY);
  return {
    speedup: round(sequential.ms / concurrent.ms),
    sameRows: sequential.sha256 === concurrent.sha256 && sequential.rows === concurrent.rows,
    sequential,
    concurrent,
    concurrency: DEFAULT_CONCURRENCY,
    latencyMs: SURVEY_LATENCY_MS,
  };
}

/**
 * The table row of the survey figures.
 *
 * @param f The figures.
 * @returns The row.
 */
export function surveyTableRow(f: SurveyFigures): TableRow {
  return {
    name: "survey_speedup",
    value: f.speedup,
    goal: ">= 3",
    met: f.speedup >= 3 && f.sameRows,
    detail:
      `${f.sequential.programs} programs, ${f.sequential.searches} searches, ${f.latencyMs} ms/answer: 1 in flight ${
        Math.round(f.sequential.ms)
      } ms, ${f.concurrency} in flight ${
        Math.round(f.concurrent.ms)
      } ms; ${f.sequential.rows} rows, ${f.sameRows ? "same CSV bytes" : "DIFFERENT CSV"}`,
  };
}
