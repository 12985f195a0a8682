/**
 * An interactive Live Response shell for Cb Defense devices (the Python `CblrCli` of
 * `examples/defense/cblr_cli.py`): `connect <device id|host name>`, then `cd`, `pwd`, `dir`,
 * `cat`, `get`, `put`, `del`, `mkdir`, `ps`, `exec`, `kill`, `archive`, `exit`, one per line on
 * stdin. The session is always closed when the shell ends.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/defense/cblr_cli.ts --profile default
 * ```
 *
 * @module
 */

import { ApiError } from "@cbapi/cbapi/core";
import { Device } from "@cbapi/cbapi/defense";
import { closeOnSignal } from "@cbapi/cbapi/live-response";
import { repl, Shell } from "../_lr_shell.ts";
import { connect, parse, run } from "./_cli.ts";

async function main(): Promise<number> {
  const { flags } = parse(Deno.args, { poll: { type: "string" } });
  await using cb = await connect(flags);
  // Ctrl-C or kill closes the open session on the server before exiting (status 130 or 143).
  using _interrupts = closeOnSignal(cb);
  const shell = new Shell(async (target, options) => {
    const device = /^\d+$/.test(target)
      ? await cb.select(Device, Number(target))
      : await cb.select(Device).where(`hostNameExact:${target}`).first();
    if (!device) throw new ApiError(`No device with host name "${target}" on ${cb.url}`);
    const windows = /windows/i.test(String(device.get("deviceType") ?? ""));
    return { session: await device.lrSession(options), osType: windows ? 1 : 3 };
  }, flags.poll ? Number(flags.poll) : undefined);
  await repl(shell);
  return Deno.exitCode ?? 0;
}

if (import.meta.main) await run(main);
