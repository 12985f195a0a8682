/**
 * Moves every computer of a policy back to the policy it was in before (port of the Python
 * `policy_return.py`, which used policy id 5).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/protection/policy_return.ts --policy-id 5 --profile default
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { Computer } from "@cbapi/cbapi/protection";
import { connectFromArgs, parseCommonArgs } from "./_cli.ts";

const USAGE =
  "Return computers to their previous policy\n\nUsage: policy_return.ts [--policy-id N] " +
  "[--cburl URL --apitoken TOKEN] [--no-ssl-verify] [--profile NAME] [--verbose]";

/**
 * Runs the example.
 *
 * @param args The command line.
 */
export async function main(args: string[]): Promise<void> {
  const values = parseCommonArgs(USAGE, args, { "policy-id": { type: "string", default: "5" } });
  if (!values) return;
  await using api = await connectFromArgs(values);
  // Collect first: moving a computer changes what the query matches.
  const computers = await api.select(Computer).where(`policyId:${values["policy-id"]}`).toArray();
  for (const computer of computers) {
    console.log(`${computer.name} was in ${computer.policyName}`);
    computer.policyId = computer.previousPolicyId;
    await computer.save();
    console.log(`${computer.name} is now in ${computer.policyName}`);
  }
}

if (import.meta.main) await main(Deno.args);
