// deno-lint-ignore-file no-console
/**
 * A one-file hunting script, as a user writes it: import, connect with the default credential
 * profile, run one query, print what it found. The benchmark times it from spawn to exit
 * (`cold_start_ms`); the last line is a JSON summary for the runner.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env bench/hunt.ts
 * ```
 *
 * @module
 */
import { CbResponseAPI, Process } from "@cbapi/cbapi/response";

if (import.meta.main) {
  await using cb = await CbResponseAPI.connect();
  let found = 0;
  for await (const proc of cb.select(Process).where("process_name:net.exe")) {
    console.log(`${proc.hostname}: ${proc.username} ran ${proc.cmdline}`);
    found++;
  }
  console.log(JSON.stringify({ found, uptimeMs: performance.now() }));
}
