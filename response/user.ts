/**
 * Cb Response users (`/api/user`) and teams (`/api/team`).
 *
 * A user's document holds the user's API token (`auth_token`): it is never printed. `String(user)`
 * and `Deno.inspect(user)` redact it, `toJSON()` leaves it out, and saves do not send it back.
 *
 * @example Create a user in a team
 * ```ts
 * import { CbResponseAPI, User } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const user = cb.create(User, {
 *   username: "jgarman",
 *   password: "cbisawesome",
 *   first_name: "Jason",
 *   last_name: "Garman",
 *   email: "jgarman@carbonblack.com",
 *   teams: [],
 *   global_admin: false,
 * });
 * await user.addTeam("Analysts");
 * await user.save();
 * assert.deepEqual(user.teams, [{ id: 1, name: "Analysts" }]);
 * assert.ok(!String(user).includes(user.auth_token!));
 * ```
 *
 * @module
 */

import {
  type Document,
  type IdKind,
  type ModelId,
  type ModelInit,
  MutableModel,
  type RequestOptions,
  type SaveOptions,
  type Typed,
  type WritableFieldValues,
} from "../core/mod.ts";
import { installFields, toInt } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";
import { SimpleQuery } from "./query.ts";
import { SensorGroup } from "./sensor_group.ts";

/** A team as a user document lists it. */
export interface TeamRef {
  /** Team id. */
  id: number;
  /** Team name (absent when the entry was given as a bare id). */
  name?: string | undefined;
}

/** One entry of a team's `group_access`. */
export interface GroupAccess {
  /** Sensor group id. */
  group_id: number;
  /** `Viewer` or `Administrator`. */
  access_category: "Viewer" | "Administrator" | string;
  /** Sensor group name. */
  group_name: string;
}

/** The typed document fields of {@linkcode User}, declared once in `User.fields`. */
export interface User extends WritableFieldValues<typeof User.fields, never, "auth_token" | "id"> {}

/**
 * A Cb Response user, keyed by user name. Create with `cb.create(User)`: the create keeps the
 * `username` and sends the team ids; updates send the whole document with `{id, name}` teams.
 *
 * @example Change a user's name, then undo
 * ```ts
 * import { CbResponseAPI, User } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const user = await cb.select(User, "bit9rad");
 * user.first_name = "J";
 * assert.match(String(user), /\(\*\)\s+first_name: J/);
 * user.reset();
 * assert.equal(user.first_name, "Bit9");
 * ```
 */
export class User extends MutableModel<CbResponseAPI> {
  /** The REST path of one user (`/api/user/{username}`) and of creates. */
  static override urlObject = "/api/user";
  /** The list route. */
  static readonly listUrl: string = "/api/users";
  /** The id field. */
  static override primaryKey = "username";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** The create body keeps the user name. */
  static override sendPrimaryKeyOnCreate = true;
  /** Fields that must be set before a save (schema `user`). */
  static override required: readonly string[] = [
    "username",
    "first_name",
    "last_name",
    "email",
    "teams",
    "global_admin",
  ];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** The user name (the id). */
    username: "string",
    /** Same as the user name, as the server sends it. */
    id: "string",
    /** First name. */
    first_name: "string",
    /** Last name. */
    last_name: "string",
    /** E-mail address. */
    email: "string",
    /** Teams: `{id, name}` entries (team ids before a create). */
    teams: "array" as Typed<"array", Array<TeamRef | number>>,
    /** Whether the user is a global administrator. */
    global_admin: "boolean",
    /** A new password to send with the next save (the server never returns it). */
    password: "string",
    /** The user's API token. Read it on purpose only: it is never printed. */
    auth_token: "string",
  } as const;

  /**
   * The list query of `GET /api/users`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<User> {
    return new SimpleQuery(api, User);
  }

  /**
   * Builds a user; use `cb.select(User, name)` or `cb.create(User)`. The document's `id`
   * mirrors the user name.
   *
   * @param api The API.
   * @param id The user name, if known.
   * @param init The initial document.
   */
  constructor(api: CbResponseAPI, id: ModelId | undefined, init: ModelInit = {}) {
    super(api, id, init);
    if (!("id" in this.info)) this.info.id = this.info.username ?? id ?? null;
  }

  /**
   * Keeps `id` equal to the user name after every load.
   *
   * @param json The parsed answer.
   * @returns The document.
   */
  protected override parseDocument(json: unknown): Document {
    const doc = super.parseDocument(json);
    return { ...doc, id: doc.username ?? this.uniqueId ?? null };
  }

  /** The document without the API token (JSON output never carries it). */
  override toJSON(): Document {
    const doc = super.toJSON();
    delete doc.auth_token;
    return doc;
  }

  /** The create body: no `id`, teams reduced to their ids (empty ones dropped), the user name kept. */
  protected override createBody(): unknown {
    const body = this.toJSON();
    delete body.id;
    body.teams = teamEntries(body.teams).map(teamId).filter((t) => !!t); // drops empty ids
    return body;
  }

  /** The update body: the whole document (without the API token) with `{id, name}` teams. */
  protected override updateBody(): unknown {
    const body = this.toJSON();
    body.teams = teamEntries(body.teams).map((t) =>
      typeof t === "object" && t !== null ? t : { id: t }
    );
    return body;
  }

  /**
   * Saves the user. Before an update, team entries given as bare ids are completed with their
   * names (one cached lookup per team).
   *
   * @param options Signal and timeout.
   * @returns This user, reloaded.
   * @throws {InvalidObjectError} When a required field is missing (nothing is sent).
   * @throws {ServerError} When the server refuses the change.
   */
  override async save(options: SaveOptions = {}): Promise<this> {
    if (this.isDirty() && !this.isNew()) {
      const teams = teamEntries(this.info.teams);
      if (teams.some((t) => typeof t !== "object")) {
        const api = this.cb;
        const full: TeamRef[] = [];
        for (const t of teams) {
          if (typeof t === "object") full.push(t);
          else full.push({ id: t, name: (await api.selectById(Team, t, options)).name });
        }
        this.setRaw("teams", full);
      }
    }
    return await super.save(options);
  }

  /**
   * Adds the user to a team (or refreshes the team's entry): a Team, a team id or a team name.
   * The change is sent by the next `save()`.
   *
   * @param team The team.
   * @param options Signal and timeout for the team lookup.
   * @throws {ObjectNotFoundError} When no such team exists.
   */
  async addTeam(team: Team | number | string, options: RequestOptions = {}): Promise<void> {
    const t = await resolveTeam(this.cb, team, options);
    const entry: TeamRef = { id: t.uniqueId as number, name: t.get<string>("name") };
    const rest = teamEntries(this.info.teams).filter((e) => teamId(e) !== entry.id);
    this.setRaw("teams", [...rest, entry]);
  }

  /**
   * Removes the user from a team: a Team, a team id or a team name (matched against the user's
   * teams first, then looked up). The change is sent by the next `save()`.
   *
   * @param team The team.
   * @param options Signal and timeout for a team-name lookup.
   * @throws {ObjectNotFoundError} When a team name matches neither the user's teams nor a team.
   */
  async removeTeam(team: Team | number | string, options: RequestOptions = {}): Promise<void> {
    const entries = teamEntries(this.info.teams);
    let id: number | undefined;
    if (team instanceof Team) id = team.uniqueId as number;
    else if (typeof team === "number") id = team;
    else {
      const local = entries.find((e) => typeof e === "object" && e.name === team);
      id = local ? teamId(local) : (await resolveTeam(this.cb, team, options))
        .uniqueId as number;
    }
    const kept = entries.filter((e) => teamId(e) !== id);
    if (kept.length !== entries.length) this.setRaw("teams", kept);
  }
}
installFields(User);

function teamEntries(raw: unknown): Array<TeamRef | number> {
  return Array.isArray(raw) ? raw as Array<TeamRef | number> : [];
}

function teamId(entry: TeamRef | number | null | undefined): number | undefined {
  if (entry === null || entry === undefined) return undefined;
  const raw = typeof entry === "object" ? entry.id : entry;
  return toInt(raw) ?? undefined;
}

async function resolveTeam(
  api: CbResponseAPI,
  team: Team | number | string,
  options: RequestOptions,
): Promise<Team> {
  if (team instanceof Team) return team.get("name") === undefined ? team.load(options) : team;
  if (typeof team === "number") return await api.selectById(Team, team, options);
  return await Team.query(api).where(`name:${team}`).one(options);
}

/** The typed document fields of {@linkcode Team}, declared once in `Team.fields`. */
export interface Team extends WritableFieldValues<typeof Team.fields, never, "id"> {}

/**
 * A team: a named set of sensor-group permissions users belong to. List rows are partial; a
 * team loads itself (`GET /api/team/{id}`) when `load()`ed.
 *
 * @example Give a new team viewer access to the default group
 * ```ts
 * import { CbResponseAPI, Team } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const team = cb.create(Team, { name: "Hunters", group_access: [] });
 * await team.addViewerAccess(1);
 * await team.save();
 * assert.equal(team.group_access[0]?.access_category, "Viewer");
 * ```
 */
export class Team extends MutableModel<CbResponseAPI> {
  /** The REST path of one team and of creates. */
  static override urlObject = "/api/team";
  /** The list route. */
  static readonly listUrl: string = "/api/teams";
  /** List rows are not whole documents. */
  static readonly listRowsAreFull: boolean = false;
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save (schema `team`). */
  static override required: readonly string[] = ["name", "group_access"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Team id. */
    id: "integer",
    /** Team name. */
    name: "string",
    /** Sensor-group permissions. */
    group_access: "array" as Typed<"array", GroupAccess[]>,
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The list query of `GET /api/teams`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<Team> {
    return new SimpleQuery(api, Team);
  }

  /**
   * Gives the team viewer access to a sensor group (replacing any access it had there). Sent by
   * the next `save()`.
   *
   * @param group A sensor group or its id.
   * @param options Signal and timeout for loading the group.
   * @throws {ObjectNotFoundError} When the group does not exist.
   */
  addViewerAccess(group: SensorGroup | number, options: RequestOptions = {}): Promise<void> {
    return this.#addAccess(group, "Viewer", options);
  }

  /**
   * Gives the team administrator access to a sensor group (replacing any access it had there).
   * Sent by the next `save()`.
   *
   * @param group A sensor group or its id.
   * @param options Signal and timeout for loading the group.
   * @throws {ObjectNotFoundError} When the group does not exist.
   */
  addAdministratorAccess(group: SensorGroup | number, options: RequestOptions = {}): Promise<void> {
    return this.#addAccess(group, "Administrator", options);
  }

  async #addAccess(
    group: SensorGroup | number,
    category: "Viewer" | "Administrator",
    options: RequestOptions,
  ): Promise<void> {
    const sg = typeof group === "number"
      ? await this.cb.selectById(SensorGroup, group, options)
      : group;
    const entry: GroupAccess = {
      group_id: sg.uniqueId as number,
      access_category: category,
      group_name: sg.get<string>("name") ?? "",
    };
    const current = Array.isArray(this.info.group_access)
      ? this.info.group_access as GroupAccess[]
      : [];
    const next = current.some((g) => g.group_id === entry.group_id)
      ? current.map((g) => g.group_id === entry.group_id ? entry : g)
      : [...current, entry];
    this.setRaw("group_access", next);
  }
}
installFields(Team);
