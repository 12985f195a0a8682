/**
 * Cb Defense policy operations: list policies with their rules, import a policy from JSON,
 * export policies to JSON files, delete policies, and add, delete or replace policy rules.
 * A port of the Python example `examples/defense/policy_operations.py`.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-env examples/defense/policy_operations.ts list
 * deno run --allow-net --allow-read --allow-env examples/defense/policy_operations.ts \
 *   add-rule --name Standard --rulefile rule.json
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { type CbDefenseAPI, Policy, type PolicyRule } from "@cbapi/cbapi/defense";
import { COMMON_USAGE, connect, type Flags, parse, run } from "./_cli.ts";

const USAGE = `Policy operations

Usage: policy_operations.ts COMMAND [flags] [common flags]
  list                                        List all configured policies
  import -N NAME -d DESC [-p LEVEL] -f FILE   Import policy from JSON file (LEVEL: HIGH, MEDIUM, LOW; default LOW)
  export [-i ID | -N NAME]                    Export policies to policy-{id}.json (all by default)
  delete (-i ID | -N NAME) [--force]          Delete policies (--force: every policy with that name)
  add-rule (-i ID... | -N NAME...) -f FILE    Add the JSON rule in FILE to policies (-i/-N repeatable)
  del-rule (-i ID | -N NAME) -r RULEID        Delete a rule from a policy
  replace-rule (-i ID | -N NAME) -r RULEID -f FILE
                                              Replace a rule of a policy with the JSON rule in FILE${COMMON_USAGE}`;

const OPTIONS = {
  id: { type: "string", short: "i", multiple: true },
  name: { type: "string", short: "N", multiple: true },
  description: { type: "string", short: "d" },
  prioritylevel: { type: "string", short: "p", default: "LOW" },
  policyfile: { type: "string", short: "f" },
  rulefile: { type: "string" },
  ruleid: { type: "string", short: "r" },
  force: { type: "boolean", default: false },
} as const;

function list(flags: Flags, key: string): string[] {
  const v = flags[key];
  return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
}

/** Policies by id(s) or name(s); all of them when `all` and nothing is named. */
async function findPolicies(cb: CbDefenseAPI, flags: Flags, all = false): Promise<Policy[]> {
  const ids = list(flags, "id").map(Number);
  const names = list(flags, "name");
  let wanted = "all policies";
  try {
    if (ids.length === 1) {
      wanted = `ID of ${ids[0]}`;
      return [await cb.select(Policy, ids[0]!)];
    }
    if (ids.length > 1) {
      wanted = `IDs of ${ids.join(", ")}`;
      return (await cb.select(Policy).toArray()).filter((p) => ids.includes(p.id ?? NaN));
    }
    if (names.length > 0) {
      wanted = names.length === 1 ? `name ${names[0]}` : `names of ${names.join(", ")}`;
      return (await cb.select(Policy).toArray()).filter((p) => names.includes(p.name ?? ""));
    }
    return all ? await cb.select(Policy).toArray() : [];
  } catch (err) {
    console.log(`Could not find policy with ${wanted}: ${(err as Error).message}`);
    return [];
  }
}

async function readJson<T>(path: unknown, what: string): Promise<T> {
  if (typeof path !== "string") throw new TypeError(`Give the ${what} file with -f FILE`);
  return JSON.parse(await Deno.readTextFile(path)) as T;
}

async function exactlyOne(cb: CbDefenseAPI, flags: Flags): Promise<Policy | undefined> {
  const policies = await findPolicies(cb, flags);
  if (policies.length !== 1) {
    console.log(`${policies.length} policies match. No action taken.`);
    return undefined;
  }
  return policies[0];
}

const COMMANDS: Record<string, (cb: CbDefenseAPI, flags: Flags) => Promise<void>> = {
  async list(cb) {
    for await (const p of cb.select(Policy)) {
      console.log(`Policy id ${p.id}: ${p.name} ${p.description ? `(${p.description})` : ""}`);
      console.log("Rules:");
      for (const r of p.rules.values()) {
        console.log(
          `  ${r.id}: ${r.action} when ${r.application?.type} ${r.application?.value} is ${r.operation}`,
        );
      }
    }
  },
  async import(cb, flags) {
    const name = list(flags, "name")[0];
    if (!name || typeof flags.description !== "string") {
      throw new TypeError("import needs -N NAME, -d DESCRIPTION and -f FILE");
    }
    const p = cb.create(Policy);
    p.policy = await readJson(flags.policyfile, "policy");
    p.description = flags.description;
    p.name = name;
    p.priorityLevel = String(flags.prioritylevel);
    p.version = 2;
    try {
      await p.save();
      console.log(`Added policy. New policy ID is ${p.id}`);
    } catch (err) {
      console.log(`Could not add policy: ${(err as Error).message}`);
    }
  },
  async export(cb, flags) {
    for (const p of await findPolicies(cb, flags, true)) {
      await p.load();
      await Deno.writeTextFile(`policy-${p.id}.json`, JSON.stringify(p.policy, null, 2));
      console.log(`Wrote policy ${p.id} ${p.name} to file policy-${p.id}.json`);
    }
  },
  async delete(cb, flags) {
    const policies = await findPolicies(cb, flags);
    if (policies.length > 1 && !flags.force) {
      console.log(`${policies.length} policies match and --force not specified. No action taken.`);
      return;
    }
    for (const p of policies) {
      try {
        await p.delete();
        console.log(`Deleted policy id ${p.id} with name ${p.name}`);
      } catch (err) {
        console.log(`Could not delete policy: ${(err as Error).message}`);
      }
    }
  },
  async "add-rule"(cb, flags) {
    const file = flags.rulefile ?? flags.policyfile;
    const rule = await readJson<PolicyRule>(file, "rule");
    const policies = await findPolicies(cb, flags);
    if (policies.length < 1) console.log("No policies match. No action taken.");
    for (const policy of policies) {
      await policy.addRule(rule);
      console.log(`Added rule from ${file} to policy ${policy.name}.`);
    }
  },
  async "del-rule"(cb, flags) {
    const policy = await exactlyOne(cb, flags);
    if (!policy) return;
    await policy.deleteRule(Number(flags.ruleid));
    console.log(`Removed rule id ${flags.ruleid} from policy ${policy.name}.`);
  },
  async "replace-rule"(cb, flags) {
    const file = flags.rulefile ?? flags.policyfile;
    const rule = await readJson<PolicyRule>(file, "rule");
    const policy = await exactlyOne(cb, flags);
    if (!policy) return;
    await policy.replaceRule(Number(flags.ruleid), rule);
    console.log(
      `Replaced rule id ${flags.ruleid} from policy ${policy.name} with rule from file ${file}.`,
    );
  },
};

async function main(): Promise<number> {
  const { flags, positionals } = parse(Deno.args, OPTIONS, true);
  const command = COMMANDS[positionals[0] ?? ""];
  if (flags.help || !command) {
    (flags.help ? console.log : console.error)(USAGE);
    return flags.help ? 0 : 2;
  }
  if (["del-rule", "replace-rule"].includes(positionals[0]!) && flags.ruleid === undefined) {
    console.error("Give the rule id with -r RULEID");
    return 2;
  }
  await using cb = await connect(flags);
  await command(cb, flags);
  return 0;
}

if (import.meta.main) await run(main);
