// Helpers of the generated field test (tests/fields/model_fields_test.ts): a document holding
// every listed field of a model, with a value of the field's declared kind, and the runtime
// reads of each field.

import assert from "node:assert/strict";
import type { FieldSpec, Model, ModelApi, ModelId, ModelInit } from "@cbapi/cbapi/core";
import { CbResponseAPI, type ServerInfo } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import table from "./model_fields.json" with { type: "json" };

/** True when `A` and `B` are the same type (each assignable to the other, `any` excluded). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
  ? true
  : false;

/** True when `T` is a real type (not `unknown` or `any`). */
export type Known<T> = unknown extends T ? false : true;

/**
 * A type-level assertion: `typed<Same<X, Y>>(true)` fails `deno check` when `X` is not `Y`.
 *
 * @param value Always `true`.
 */
export function typed<T extends true>(value: T): void {
  assert.equal(value, true);
}

interface Row {
  name: string;
  reference: string;
  spec?: FieldSpec;
  read: string;
}

const ROWS = table as unknown as Record<string, Row[]>;

/** A wire value of a spec, as a real server sends it. */
function sample(name: string, spec: FieldSpec): unknown {
  if (Array.isArray(spec)) return [sample(name, spec[0] as FieldSpec)];
  if (typeof spec === "object") {
    return Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, sample(k, s)]));
  }
  switch (spec) {
    case "string":
      if (/md5/i.test(name)) return "7FB55F5A62E78AF9B58D08AAEEAEF848";
      if (/time|date|update|^start$|timestamp/i.test(name)) return "2017-04-29T04:21:18.455Z";
      return `text of ${name}`;
    case "integer":
      return 42;
    case "double":
      return 2.5;
    case "boolean":
      return true;
    case "iso-date-time":
      return "2017-04-29T04:21:18.455Z";
    case "epoch-ms-date-time":
      return 1493439678000;
    case "byte":
      return "AAEC";
    case "array":
      return ["one"];
    case "object":
      return { key: 1 };
    case "json":
      // Alert `ioc_attr`: real servers send JSON text.
      return '{"highlights": ["net.exe"]}';
    default:
      return `value of ${name}`;
  }
}

// No field read sends a request: an API whose connection, cache and select are never used.
const API: ModelApi = {
  url: "https://cb.example",
  connection: undefined as never,
  cache: undefined as never,
  selectById: () => Promise.reject(new Error("no request expected")),
};

/** One model's case: its listed fields, a document holding all of them, runtime reads. */
export class FieldsCase {
  readonly rows: Row[];
  readonly doc: Record<string, unknown>;

  constructor(readonly model: string) {
    const rows = ROWS[model];
    if (!rows) throw new Error(`no field list for ${model}`);
    this.rows = rows;
    this.doc = Object.fromEntries(
      rows.map((
        r,
      ) => [r.name, r.spec === undefined ? `value of ${r.name}` : sample(r.name, r.spec)]),
    );
  }

  /**
   * Builds the model from the document (no request: no field read sends one).
   *
   * @param cls The model class.
   * @returns The model.
   */
  build<M extends Model>(
    cls: new (api: never, id: ModelId | undefined, init?: ModelInit) => M,
  ): M {
    const pk = (cls as unknown as { primaryKey: string }).primaryKey;
    const id = (this.doc[pk] ?? 1) as ModelId;
    return new cls(API as never, id, { info: structuredClone(this.doc), full: true });
  }

  /**
   * Reads every listed field of a model: typed, raw text kept, in `toJSON()`.
   *
   * @param m The model built by {@linkcode FieldsCase.build}.
   */
  readAll(m: Model): void {
    const props = m as unknown as Record<string, unknown>;
    for (const r of this.rows) {
      const where = `${this.model}.${r.name}`;
      const raw = this.doc[r.name];
      // A token is left out of toJSON() (the User model's secret rule), every other field is in.
      if (r.name !== "auth_token") {
        assert.deepEqual(m.toJSON()[r.name], raw, `${where} is in toJSON() as sent`);
      }
      assert.deepEqual(m.getRaw(r.name), raw, `${where} raw value`);
      assert.notEqual(m.get(r.name), undefined, `${where} via get()`);
      if (r.read === "member") {
        assert.notEqual(props[r.name], undefined, `${where} (class getter)`);
        continue;
      }
      if (r.read !== "field") {
        assert.notEqual(props[r.read], undefined, `${where} read as ${r.read}`);
        continue;
      }
      const value = props[r.name];
      const spec = r.spec!;
      if (typeof spec !== "string") {
        assert.deepEqual(value, raw, `${where} nested value as sent`);
        continue;
      }
      switch (spec) {
        case "string":
        case "any":
        case "array":
        case "object":
          assert.deepEqual(value, raw, where);
          break;
        case "integer":
        case "double":
        case "boolean":
          assert.equal(value, raw, where);
          break;
        case "iso-date-time":
          assert.ok(value instanceof Date, `${where} is a Date`);
          assert.equal(value.toISOString(), raw, where);
          break;
        case "epoch-ms-date-time":
          assert.ok(value instanceof Date, `${where} is a Date`);
          assert.equal(value.getTime(), raw, where);
          break;
        case "byte":
          assert.deepEqual(value, new Uint8Array([0, 1, 2]), where);
          break;
        case "json":
          assert.deepEqual(value, JSON.parse(raw as string), where);
          break;
      }
    }
  }

  /**
   * `GET /api/info` as the emulator answers it (over HTTPS, like a real server).
   *
   * @returns The server info read when connecting.
   */
  async serverInfo(): Promise<ServerInfo> {
    await using emu = await CbEmulator.start();
    await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
    return cb.serverInfo;
  }

  /**
   * Checks that the server info holds every listed field (the emulator answers like the
   * recorded Cb Response 6.1 `GET /api/info`).
   *
   * @param info The server info.
   */
  readServerInfo(info: ServerInfo): void {
    for (const r of this.rows) {
      assert.notEqual(info[r.name], undefined, `${this.model}.${r.name} in GET /api/info`);
    }
  }
}
