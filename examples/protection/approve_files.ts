/**
 * Locally approves, on every computer of a policy, the unapproved files that are seen on at
 * least 10 computers (port of the Python `approve_files.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/protection/approve_files.ts --policy "Default Policy" --profile default
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Computer, type FileInstance } from "@cbapi/cbapi/protection";
import { connectFromArgs, parseCommonArgs } from "./_cli.ts";

const USAGE =
  "Approve files\n\nUsage: approve_files.ts --policy NAME [--cburl URL --apitoken TOKEN] " +
  "[--no-ssl-verify] [--profile NAME] [--verbose]";

/**
 * Runs the example.
 *
 * @param args The command line.
 */
export async function main(args: string[]): Promise<void> {
  const values = parseCommonArgs(USAGE, args, { policy: { type: "string", short: "p" } });
  if (!values) return;
  if (typeof values.policy !== "string") {
    console.error("error: the following arguments are required: --policy/-p");
    Deno.exitCode = 2;
    return;
  }
  await using api = await connectFromArgs(values);
  const comps = api.select(Computer).where(`policyName:${values.policy}`).and("deleted:false");
  for await (const c of comps) {
    const changed: FileInstance[] = [];
    for await (const f of c.fileInstances().where("localState:1")) {
      const catalog = await f.fileCatalog();
      if ((catalog?.prevalence ?? 0) >= 10) {
        f.localState = 2;
        await f.save();
        changed.push(f);
      }
    }
    if (changed.length > 0) {
      console.log(`Locally approved ${changed.length} files on computer ${c.name}`);
    }
  }
}

if (import.meta.main) await main(Deno.args);
