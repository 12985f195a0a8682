/**
 * An interactive Live Response shell (the Python `CblrCli`): connect to a sensor, then browse and
 * change the endpoint. Commands: `connect <sensor id|hostname>`, `detach`, `cd <dir>`, `pwd`,
 * `dir [dir]`, `cat <file>`, `get <remote> <local>`, `put <local> <remote>`, `del <file>`,
 * `mkdir <dir>`, `ps [-v] [-p pid]`, `exec [-o out] [-w] [-d dir] <command line>`, `kill <pid>`,
 * `archive <local>`, `exit`/`quit`. Reads commands from stdin, one per line.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/response/cblr_cli.ts --profile default
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write examples/response/cblr_cli.ts --cburl http://127.0.0.1:8080 --apitoken T
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ApiError } from "@cbapi/cbapi/core";
import { closeOnSignal } from "@cbapi/cbapi/live-response";
import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
import { repl, Shell } from "../_lr_shell.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cburl: { type: "string" },
      apitoken: { type: "string" },
      profile: { type: "string", default: "default" },
      poll: { type: "string" },
    },
  });
  await using cb = await CbResponseAPI.connect(
    values.cburl && values.apitoken
      ? { url: values.cburl, token: values.apitoken }
      : { profile: values.profile },
  );
  // Ctrl-C or kill closes the open session on the server before exiting (status 130 or 143).
  using _interrupts = closeOnSignal(cb);
  const shell = new Shell(async (target, options) => {
    const sensor = /^\d+$/.test(target)
      ? await cb.select(Sensor, Number(target))
      : await cb.select(Sensor).where(`hostname:${target}`).first();
    if (!sensor) throw new ApiError(`No sensor with host name "${target}"`);
    return { session: await sensor.lrSession(options), osType: sensor.os_type };
  }, values.poll ? Number(values.poll) : undefined);
  await repl(shell);
}

if (import.meta.main) await main();
