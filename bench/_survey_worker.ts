// deno-lint-ignore-file no-console
/**
 * Child process of the survey benchmark: surveys 50 programs with a given concurrency, writes
 * the CSV, prints `{programs, searches, rows, ms, sha256}`.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write bench/_survey_worker.ts TARGET N OUT
 * ```
 *
 * @module
 */
import { CbResponseAPI } from "@cbapi/cbapi/response";
import {
  csvHeader,
  csvLine,
  parseDefinitions,
  programQueries,
  survey,
  type SurveyProgram,
} from "@cbapi/cbapi/survey";
import { readTarget } from "./_util.ts";

/** The bundled definitions plus generated programs: 50 in all. */
export async function benchPrograms(): Promise<SurveyProgram[]> {
  const programs: SurveyProgram[] = [];
  for (const name of ["remote_admin", "scripting_hosts", "file_transfer"]) {
    const url = new URL(`../cli/definitions/${name}.json`, import.meta.url);
    programs.push(...parseDefinitions(await Deno.readTextFile(url), `${name}.json`));
  }
  const generated: Record<string, Record<string, string[]>> = {};
  for (let i = 0; programs.length + Object.keys(generated).length < 50; i++) {
    const names = [0, 1, 2, 3].map((k) => `gen-${String(i * 40 + k * 7).padStart(5, "0")}.exe`);
    generated[`Generated tool ${i + 1}`] = i % 3 === 0
      ? { process_name: names, query: [`username:user${i + 1}`] }
      : { process_name: names };
  }
  programs.push(...parseDefinitions(JSON.stringify(generated), "generated.json"));
  return programs;
}

if (import.meta.main) {
  const [targetFile, concurrency, out] = Deno.args;
  const target = await readTarget(targetFile!);
  await using cb = await CbResponseAPI.connect({
    url: target.url,
    token: target.token,
    ...(target.certFile ? { sslCertFile: target.certFile } : {}),
  });
  const programs = await benchPrograms();
  const searches = programs.reduce((n, p) => n + programQueries(p).length, 0);
  let text = csvHeader();
  let rows = 0;
  const t0 = performance.now();
  for await (const row of survey(cb, programs, { concurrency: Number(concurrency) })) {
    text += csvLine(row);
    rows++;
  }
  const ms = performance.now() - t0;
  await Deno.writeTextFile(out!, text);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  console.log(JSON.stringify({ programs: programs.length, searches, rows, ms, sha256 }));
}
