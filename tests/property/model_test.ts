// Property tests of the model layer fed arbitrary server JSON: every model class of every product,
// built from documents whose fields hold values of any JSON type (right, wrong or missing), gives
// getters, get(), String(model), toJSON() and Deno.inspect without any untyped throw and without
// a request.

import assert from "node:assert/strict";
import { ApiError, type BaseAPI, Model } from "@cbapi/cbapi/core";
import * as response from "@cbapi/cbapi/response";
import * as protection from "@cbapi/cbapi/protection";
import * as defense from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { check, fc, typedOrNothing } from "./_fc.ts";

/** Cases per model class (the test prints nothing; the total is classes x this). */
export const CASES_PER_MODEL = 80;

type ModelClass = typeof Model & (new (...args: never[]) => Model);

function modelClasses(mod: Record<string, unknown>): [string, ModelClass][] {
  return Object.entries(mod).filter((e): e is [string, ModelClass] =>
    typeof e[1] === "function" && e[1].prototype instanceof Model
  );
}

function getterNames(obj: object): string[] {
  const names = new Set<string>();
  for (
    let p = Object.getPrototypeOf(obj);
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (d.get) names.add(k);
    }
  }
  return [...names];
}

const KIND_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 12 }),
  integer: fc.oneof(fc.integer(), fc.integer().map(String)),
  boolean: fc.oneof(fc.boolean(), fc.constantFrom("true", "false", "True", 0, 1)),
  double: fc.oneof(fc.double(), fc.double({ noNaN: true }).map(String)),
  "iso-date-time": fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom("2017-04-29 04:21:18.455", "2017-04-29T04:21:18Z", "not a date", "0"),
  ),
  "epoch-ms-date-time": fc.oneof(fc.integer(), fc.constantFrom("1493439678000", "x")),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 })),
  byte: fc.oneof(fc.base64String({ maxLength: 12 }), fc.string({ maxLength: 6 })),
  json: fc.oneof(
    fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 })),
    fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 8 }),
  ),
};

/** JSON objects that break `String(value)` and template literals (JSON.parse makes them too). */
const HOSTILE = fc.constantFrom<unknown>(
  JSON.parse('{"toString": 1}'),
  JSON.parse('{"valueOf": {}, "toString": null}'),
  JSON.parse('[{"toString": 0}]'),
);

function documentFor(cls: ModelClass): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(cls.fields ?? {});
  const known = fields.map(([name, kind]) =>
    [
      name,
      fc.option(
        fc.oneof(
          {
            weight: 3,
            arbitrary: KIND_VALUES[
              typeof kind === "string" ? kind : Array.isArray(kind) ? "array" : "object"
            ] ?? fc.jsonValue({ maxDepth: 1 }),
          },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
          { weight: 1, arbitrary: HOSTILE },
        ),
        { nil: undefined },
      ),
    ] as const
  );
  return fc.tuple(
    fc.record(Object.fromEntries(known), { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  ).map(([a, b]) => {
    const doc: Record<string, unknown> = { ...b };
    for (const [k, v] of Object.entries(a)) if (v !== undefined) doc[k] = v;
    return doc;
  });
}

const id = fc.oneof(
  fc.integer({ min: 1, max: 1_000_000 }),
  fc.stringMatching(/^[0-9A-Fa-f-]{1,36}$/),
);

async function exercise(api: BaseAPI, name: string, cls: ModelClass): Promise<void> {
  await check(
    fc.property(
      documentFor(cls),
      id,
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
      (doc, key, extra) => {
        // The id is the caller's argument: a wrong kind of id is a TypeError (bad input).
        const model = typedOrNothing(
          () => api.fromRow(cls as never, key, doc, true) as Model,
          [ApiError, TypeError],
          `${name} from a row`,
        );
        if (model instanceof Error) return;
        for (const g of getterNames(model)) {
          typedOrNothing(
            () => (model as unknown as Record<string, unknown>)[g],
            [ApiError],
            `${name}.${g}`,
          );
        }
        for (const f of [...Object.keys(cls.fields ?? {}), ...Object.keys(doc), ...extra]) {
          typedOrNothing(() => model.get(f, "<default>"), [ApiError], `${name}.get("${f}")`);
        }
        const shown = typedOrNothing(() => String(model), [ApiError], `String(${name})`);
        if (typeof shown === "string") assert.ok(shown.length > 0);
        const json = typedOrNothing(() => JSON.stringify(model), [ApiError], `JSON of ${name}`);
        if (typeof json === "string") JSON.parse(json);
        typedOrNothing(
          () => Deno.inspect(model, { depth: 4 }),
          [ApiError],
          `Deno.inspect(${name})`,
        );
      },
    ),
    CASES_PER_MODEL,
  );
}

Deno.test("every model of every product survives arbitrary server JSON with no untyped throw and no request", async (t) => {
  await using emu = await CbEmulator.start();
  await using cb = await response.CbResponseAPI.connect({ url: emu.url, token: emu.token });
  await using cbp = await protection.CbProtectionAPI.connect({ url: emu.url, token: emu.token });
  await using cbd = await defense.CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  const groups: [BaseAPI, [string, ModelClass][]][] = [
    [cb, modelClasses(response)],
    [cbp, modelClasses(protection)],
    [cbd, modelClasses(defense)],
  ];
  const before = emu.requests.length;
  let classes = 0;
  for (const [api, list] of groups) {
    for (const [name, cls] of list) {
      classes++;
      await t.step(`${api.constructor.name} ${name}`, () => exercise(api, name, cls));
    }
  }
  assert.ok(classes >= 30, `found ${classes} model classes`);
  assert.equal(emu.requests.length, before, "reading models sends no request");
});
