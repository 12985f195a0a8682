// The operations of the fault matrix: what each one sends, which request a fault hits, how it
// runs and how the emulator's state shows whether (and how often) it acted.

import assert from "node:assert/strict";
import { Alert, BannedHash, type CbResponseAPI, Process, Sensor } from "@cbapi/cbapi/response";
import type { CbEmulator, FaultRule } from "@cbapi/cbapi/testing";

/** How a request may be repeated: reads and PUTs are idempotent, POSTs and PATCHes are not. */
export type WriteKind = "read" | "put" | "post" | "patch";

/** The product API a row connects with. */
export type Product = "response" | "defense" | "protection";

/** One row of the matrix; `A` is the API the row runs against. */
export interface Operation<A = CbResponseAPI> {
  /** Row name. */
  name: string;
  /**
   * The API to connect: `CbResponseAPI` (token `emu.token`), `CbDefenseAPI`
   * (`emu.defenseToken`) or `CbProtectionAPI` (`emu.token`).
   *
   * @default {"response"}
   */
  product?: Product;
  /** Whether the faulted request may be sent twice. */
  kind: WriteKind;
  /** The request the fault hits. */
  target: Pick<FaultRule, "method" | "path" | "skip">;
  /** Anything the run needs from a clean emulator (a baseline result). */
  prepare?(cb: A, emu: CbEmulator): Promise<unknown>;
  /** Runs the operation; resolves with what the user gets, or throws the one error. */
  run(cb: A, emu: CbEmulator, baseline: unknown): Promise<unknown>;
  /** Checks a successful result. */
  check(result: unknown, baseline: unknown): void;
  /** How many times the server carried the write out (0 for reads). */
  applied(emu: CbEmulator): number;
  /**
   * A POST the client gave up on (timeout) that the server carried out later anyway: how many
   * times it ends up applied (LR commands find their session closed by then).
   */
  lateApplied?: number;
  /**
   * Where a same-URL redirect points: the faulted request's own path and query (called after
   * `prepare`, with its requests still in the log).
   */
  location(emu: CbEmulator): string;
}

/** A hash nobody banned yet in the seeded data set. */
export const NEW_MD5 = "0123456789ABCDEF0123456789ABCDEF";
/** A hash the seeded data set bans. */
export const BANNED_MD5 = "4A9CD774C8FC9883F2F2C1C91BE75A4E";
/** The directory the LR rows create. */
export const DIRECTORY = String.raw`c:\fault_matrix`;
const LR_COMMAND_PATH = /^\/api\/v1\/cblr\/session\/\d+\/command$/;

/** On how many of the given sensors the matrix's directory exists. */
export function directoriesMade(
  emu: CbEmulator,
  sensorIds: number[],
  flavour: "response" | "defense" = "response",
): number {
  return sensorIds.filter((id) => emu.state.liveResponse.exists(flavour, id, DIRECTORY)).length;
}

/** The rows: GET by id, paging, save new, save existing, bulk alert, LR command, LR job. */
export const OPERATIONS: readonly Operation[] = [
  {
    name: "GET by id",
    kind: "read",
    target: { method: "GET", path: "/api/v1/sensor/3" },
    location: () => "/api/v1/sensor/3",
    async run(cb) {
      return (await cb.select(Sensor, 3)).computer_name;
    },
    check(result) {
      assert.equal(result, "WIN-IA9NQ1GN8OI");
    },
    applied: () => 0,
  },
  {
    name: "paging a query",
    kind: "read",
    // The second page, so that a retry must neither lose nor repeat rows of the first.
    target: { method: "GET", path: "/api/v1/process", skip: 1 },
    location(emu) {
      const pages = emu.requests.filter((r) => r.method === "GET" && r.path === "/api/v1/process");
      return pages[1]!.url;
    },
    async prepare(cb) {
      const rows = await cb.select(Process).batchSize(3).toArray();
      return rows.map((p) => p.id);
    },
    async run(cb) {
      const rows = await cb.select(Process).batchSize(3).toArray();
      return rows.map((p) => p.id);
    },
    check(result, baseline) {
      assert.ok((baseline as string[]).length > 6, "the query spans at least three pages");
      assert.deepEqual(result, baseline);
    },
    applied: () => 0,
  },
  {
    name: "save() of a new object",
    kind: "post",
    target: { method: "POST", path: "/api/v1/banning/blacklist" },
    location: () => "/api/v1/banning/blacklist",
    lateApplied: 1,
    async run(cb) {
      const bh = cb.create(BannedHash);
      bh.md5hash = NEW_MD5;
      bh.text = "fault matrix";
      await bh.save();
      return bh.enabled;
    },
    check(result) {
      assert.equal(result, true);
    },
    applied(emu) {
      const doc = emu.state.bannedHashes.get(NEW_MD5.toLowerCase());
      return doc?.enabled && doc.text === "fault matrix" ? 1 : 0;
    },
  },
  {
    name: "save() of an existing object",
    kind: "put",
    target: { method: "PUT", path: /^\/api\/v1\/banning\/blacklist\/[0-9a-fA-F]{32}$/ },
    location: () => `/api/v1/banning/blacklist/${BANNED_MD5.toLowerCase()}`,
    async run(cb) {
      const bh = await cb.select(BannedHash, BANNED_MD5);
      bh.text = "updated by the fault matrix";
      await bh.save();
      return bh.text;
    },
    check(result) {
      assert.equal(result, "updated by the fault matrix");
    },
    applied(emu) {
      const doc = emu.state.bannedHashes.get(BANNED_MD5.toLowerCase());
      return doc?.text === "updated by the fault matrix" ? 1 : 0;
    },
  },
  {
    name: "bulk alert operation",
    kind: "post",
    target: { method: "POST", path: "/api/v1/alerts" },
    location: () => "/api/v1/alerts",
    lateApplied: 1,
    async run(cb) {
      await cb.select(Alert).where("status:Unresolved").changeStatus("Resolved");
      return await cb.select(Alert).where("status:Unresolved").count();
    },
    check(result) {
      assert.equal(result, 0);
    },
    applied(emu) {
      const unresolved = [...emu.state.alerts.values()].filter((a) => a.status === "Unresolved");
      return unresolved.length === 0 ? 1 : 0;
    },
  },
  {
    name: "LR command",
    kind: "post",
    target: { method: "POST", path: LR_COMMAND_PATH },
    location: () => "/api/v1/cblr/session/1/command",
    lateApplied: 0,
    async run(cb) {
      const sensor = await cb.select(Sensor, 3);
      await using session = await sensor.lrSession();
      await session.createDirectory(DIRECTORY);
      return (await session.listDirectory("c:\\")).map((e) => e.filename);
    },
    check(result) {
      assert.ok((result as string[]).includes("fault_matrix"));
    },
    applied: (emu) => directoriesMade(emu, [3]),
  },
  {
    name: "LR job",
    kind: "post",
    target: { method: "POST", path: LR_COMMAND_PATH },
    location: () => "/api/v1/cblr/session/1/command",
    lateApplied: 0,
    async run(cb) {
      await using run = cb.liveResponse.submitJob(
        async (s) => {
          await s.createDirectory(DIRECTORY);
          return s.sensorId;
        },
        [1, 2, 3],
      );
      const results = [];
      for await (const r of run) results.push(r);
      assert.equal(results.length, 3, "one result per sensor");
      const failed = results.filter((r) => !r.ok);
      assert.ok(failed.length <= 1, "a fault on one command fails at most that sensor's job");
      if (failed[0] && !failed[0].ok) throw failed[0].error;
      return results.map((r) => r.sensorId).sort();
    },
    check(result) {
      assert.deepEqual(result, [1, 2, 3]);
    },
    // Every sensor but the faulted one creates its directory; count the faulted one only.
    applied: (emu) => directoriesMade(emu, [1, 2, 3]) - 2,
  },
];
