/**
 * Lists users and teams, adds users and teams, deletes users and looks up a user's API token
 * (the Python `user_operations.py`; its `get-api-key` command is wired up here).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/user_operations.ts list
 * deno run --allow-net --allow-read --allow-env examples/response/user_operations.ts add \
 *   -u jdoe -f Jane -l Doe -e jdoe@example.com -p s3cret -t Analysts
 * deno run --allow-net --allow-read --allow-env examples/response/user_operations.ts add-team -N Hunters -A "Default Group"
 * deno run --allow-net --allow-read --allow-env examples/response/user_operations.ts delete -u jdoe
 * deno run --allow-net --allow-read --allow-env examples/response/user_operations.ts get-api-key -u admin
 * ```
 *
 * Passwords not given with `-p` are asked on stdin.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { type CbResponseAPI, getApiToken, SensorGroup, Team, User } from "@cbapi/cbapi/response";
import {
  COMMON_USAGE,
  connectResponse,
  errorMessage,
  type Flags,
  parseCli,
  requireFlag,
  run,
  UsageError,
} from "../_cli.ts";

const USAGE = `Usage: user_operations.ts <command> [options]
  list                         List all configured users
  list-teams                   List all configured user teams
  add -u USER -f FIRST -l LAST -e EMAIL [-p PASSWORD] [--global-admin] [-t TEAM ...]
                               Add a new user (-t: repeat for several teams)
  add-team -N NAME [-A GROUP ...] [-V GROUP ...]
                               Add a new team with administrator/viewer rights on sensor groups
  delete -u USER               Delete a user
  get-api-key -u USER [-p PASSWORD]
                               Get the API token of a user${COMMON_USAGE}`;

function list(flags: Flags, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v.map(String) : [];
}

function readPassword(prompt: string): string {
  const answer = globalThis.prompt(prompt);
  if (answer === null) throw new UsageError("no password given");
  return answer;
}

async function listUsers(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const users = await cb.select(User).toArray();
  if (flags.json) {
    return console.log(JSON.stringify(
      users.map((u) => {
        const { auth_token: _t, ...rest } = u.toJSON() as Record<string, unknown>;
        return rest;
      }),
      null,
      2,
    )),
      0;
  }
  const row = (a: string, b: string, c: string, d: string) =>
    `${a.padEnd(16)} ${b.padEnd(30)} ${c.padEnd(30)} ${d.padEnd(40)}`;
  console.log(row("Username", "Name", "Email address", "Teams"));
  console.log(row("-".repeat(16), "-".repeat(30), "-".repeat(30), "-".repeat(40)));
  for (const u of users) {
    const teams = u.teams.map((t) => typeof t === "object" ? t.name ?? String(t.id) : String(t));
    console.log(
      row(
        u.username ?? "",
        `${u.first_name ?? ""} ${u.last_name ?? ""}`,
        u.email ?? "",
        teams.join(", "),
      )
        .trimEnd(),
    );
  }
  return 0;
}

async function listTeams(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const teams = await cb.select(Team).toArray();
  if (flags.json) return console.log(JSON.stringify(teams, null, 2)), 0;
  for (const t of teams) {
    console.log(`Team ${t.name} (id ${t.id}):`);
    for (const ga of t.group_access) {
      console.log(`  ${ga.access_category} on Sensor Group "${ga.group_name}"`);
    }
  }
  return 0;
}

async function groupByNameOrId(cb: CbResponseAPI, value: string): Promise<SensorGroup> {
  if (/^\d+$/.test(value)) return await cb.select(SensorGroup, Number(value));
  const group = await cb.select(SensorGroup).where(`name:${value}`).first();
  if (!group) throw new Error(`No sensor group named "${value}"`);
  return group;
}

async function addTeam(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const t = cb.create(Team);
  t.name = requireFlag(flags, "name");
  try {
    for (const g of list(flags, "administrator")) {
      await t.addAdministratorAccess(await groupByNameOrId(cb, g));
    }
    for (const g of list(flags, "viewer")) await t.addViewerAccess(await groupByNameOrId(cb, g));
    await t.save();
  } catch (err) {
    console.log(`Could not add team: ${errorMessage(err)}`);
    return 1;
  }
  console.log(`Added team ${t.name}.`);
  return 0;
}

async function addUser(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const u = cb.create(User);
  u.username = requireFlag(flags, "username");
  u.first_name = requireFlag(flags, "first-name");
  u.last_name = requireFlag(flags, "last-name");
  u.email = requireFlag(flags, "email");
  u.teams = [];
  u.global_admin = Boolean(flags["global-admin"]);
  if (typeof flags.password === "string") {
    u.password = flags.password;
  } else {
    while (true) {
      const pw1 = readPassword(`New password for ${u.username}:`);
      const pw2 = readPassword("Re-enter password:");
      if (pw1 === pw2) {
        u.password = pw1;
        break;
      }
      console.log("Passwords don't match; try again");
    }
  }
  try {
    for (const t of list(flags, "team")) await u.addTeam(/^\d+$/.test(t) ? Number(t) : t);
    await u.save();
  } catch (err) {
    console.log(`Could not add user: ${errorMessage(err)}`);
    return 1;
  }
  console.log(`Added user ${u.username}.`);
  return 0;
}

async function deleteUser(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const username = requireFlag(flags, "username");
  try {
    const user = await cb.select(User, username);
    await user.delete();
  } catch (err) {
    console.log(`Could not delete user ${username}: ${errorMessage(err)}`);
    return 1;
  }
  console.log(`Deleted user ${username}`);
  return 0;
}

async function getApiKey(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const username = requireFlag(flags, "username");
  const password = typeof flags.password === "string"
    ? flags.password
    : readPassword(`Password for ${username}:`);
  try {
    // The look-up is a separate request: it trusts the certificate the profile pins.
    const pinned = cb.connection.credentials?.sslCertFile;
    const token = await getApiToken(
      cb.url,
      username,
      password,
      pinned ? { sslCertFile: pinned } : {},
    );
    console.log(
      flags.json ? JSON.stringify({ username, token }) : `API token for user ${username}: ${token}`,
    );
  } catch (err) {
    console.log(`Could not get API token for ${username}: ${errorMessage(err)}`);
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  const { flags, positionals } = parseCli(Deno.args, {
    username: { type: "string", short: "u" },
    "first-name": { type: "string", short: "f" },
    "last-name": { type: "string", short: "l" },
    password: { type: "string", short: "p" },
    email: { type: "string", short: "e" },
    "global-admin": { type: "boolean", default: false },
    administrator: { type: "string", short: "A", multiple: true },
    viewer: { type: "string", short: "V", multiple: true },
    team: { type: "string", short: "t", multiple: true },
    name: { type: "string", short: "N" },
  }, true);
  if (flags.help) return console.log(USAGE), 0;
  const command = positionals[0];
  const commands: Record<string, (cb: CbResponseAPI, flags: Flags) => Promise<number>> = {
    list: listUsers,
    "list-teams": listTeams,
    add: addUser,
    "add-team": addTeam,
    delete: deleteUser,
    "get-api-key": getApiKey,
  };
  const handler = command ? commands[command] : undefined;
  if (!handler) {
    throw new UsageError(
      "give one of the commands list, list-teams, add, add-team, delete, get-api-key",
    );
  }
  await using cb = await connectResponse(flags);
  return await handler(cb, flags);
}

if (import.meta.main) await run(USAGE, main);
