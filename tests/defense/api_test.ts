import assert from "node:assert/strict";
import {
  CbDefenseAPI,
  CredentialError,
  Device,
  Policy,
  UnauthorizedError,
} from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { defenseFixture, linesSince, V3 } from "./_helpers.ts";
import { recordingLogger } from "../_helpers.ts";

Deno.test("CbDefenseAPI.connect() sends no request and reads the defense profile [spec 258]", async () => {
  await using emu = await CbEmulator.start();
  const file = await emu.credentialsFile("defense", { profile: "cbd" });
  const logs: string[] = [];
  await using cb = await CbDefenseAPI.connect({
    credentialFile: file,
    profile: "cbd",
    logger: recordingLogger(logs),
  });
  assert.equal(cb.url, emu.url);
  assert.equal(emu.requests.length, 0);
  assert.ok(!Deno.inspect(cb).includes(emu.defenseToken.split("/")[0]!));
  assert.ok(!Deno.inspect(cb.connection).includes(emu.defenseToken.split("/")[0]!));
  // The first request carries the whole token as X-Auth-Token.
  assert.equal(await cb.select(Device).count(), 120);
  assert.equal(emu.requests.length, 1);
  assert.equal(emu.requests[0]!.authenticated, true);
  assert.equal(emu.requests[0]!.headers["x-auth-token"], "[redacted]");
  assert.match(emu.requests[0]!.headers["user-agent"]!, /^cbapi\/1\.3\.6 Deno\//);
});

Deno.test("CbDefenseAPI.connect() refuses a token without a connector id, naming the form [spec 258]", async (t) => {
  for (const token of ["ABCDEF0123", "ABCDEF0123/", "/CONNECTOR"]) {
    await t.step(JSON.stringify(token), async () => {
      const err = await CbDefenseAPI.connect({ url: "https://defense.example", token }).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(err instanceof CredentialError, String(err));
      assert.match(err.message, /\{API key\}\/\{connector ID\}/);
      assert.ok(!err.message.includes(token.replace("/", "") || "\u0000"));
    });
  }
  await t.step("from a credential file", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/credentials.defense`;
      await Deno.writeTextFile(
        file,
        "[default]\nurl=https://defense.example\ntoken=NOCONNECTOR\n",
        {
          mode: 0o600,
        },
      );
      await assert.rejects(
        CbDefenseAPI.connect({ credentialFile: file }),
        (e: unknown) => e instanceof CredentialError && /connector ID/.test(e.message),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("CbDefenseAPI with the Response token is refused with UnauthorizedError", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbDefenseAPI.connect({ url: emu.url, token: `${emu.token}/WRONG` });
  await assert.rejects(cb.select(Device, 12), UnauthorizedError);
  assert.equal(emu.requests[0]!.status, 401);
});

Deno.test("CbDefenseAPI.getNotifications() drains the queue and returns [] when empty [spec 275]", async () => {
  await using f = await defenseFixture();
  f.emu.state.defense.notifications.push(
    { type: "THREAT", eventDescription: "Malware found", eventTime: 1518609600000 },
    { type: "POLICY_ACTION", ruleName: "Deny PUP" },
  );
  const first = await f.cb.getNotifications();
  assert.deepEqual(first.map((n) => n.type), ["THREAT", "POLICY_ACTION"]);
  assert.equal(first[0]!.eventDescription, "Malware found");
  assert.equal(f.emu.state.defense.notifications.length, 0);
  assert.deepEqual(await f.cb.getNotifications(), []);
  assert.deepEqual(linesSince(f.emu, 0), [`GET ${V3}/notification`, `GET ${V3}/notification`]);
  assert.equal(f.emu.requests[0]!.body, "");
});

Deno.test("CbDefenseAPI.notifications() polls and yields each notification once [spec 276]", async () => {
  await using f = await defenseFixture();
  const queue = f.emu.state.defense.notifications;
  queue.push({ type: "THREAT", n: 1 }, { type: "THREAT", n: 2 });
  const seen: unknown[] = [];
  for await (const n of f.cb.notifications({ intervalMs: 1 })) {
    seen.push(n.n);
    if (n.n === 2) queue.push({ type: "THREAT", n: 3 });
    if (n.n === 3) break;
  }
  assert.deepEqual(seen, [1, 2, 3]);
  const polls = f.emu.requests.filter((r) => r.path === `${V3}/notification`);
  assert.ok(polls.length >= 2);
  assert.ok(polls.every((r) => r.method === "GET" && r.status === 200));
  assert.equal(queue.length, 0);
});

Deno.test("CbDefenseAPI.notifications() ends cleanly when the signal aborts during the wait [spec 276]", async () => {
  await using f = await defenseFixture();
  const controller = new AbortController();
  const it = f.cb.notifications({ intervalMs: 60_000, signal: controller.signal });
  const next = it.next();
  while (!f.emu.requests.some((r) => r.path === `${V3}/notification` && r.status === 200)) {
    await new Promise((r) => setTimeout(r, 1));
  }
  controller.abort(new Error("stop"));
  assert.deepEqual(await next, { value: undefined, done: true });
  assert.deepEqual(await it.next(), { value: undefined, done: true });
});

Deno.test("CbDefenseAPI.notifications() yields a drained batch whole, then stops on abort [spec 276]", async () => {
  await using f = await defenseFixture();
  f.emu.state.defense.notifications.push({ n: 1 }, { n: 2 }, { n: 3 });
  const controller = new AbortController();
  const seen: unknown[] = [];
  for await (const n of f.cb.notifications({ intervalMs: 60_000, signal: controller.signal })) {
    seen.push(n.n);
    controller.abort();
  }
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(f.emu.requests.length, 1);
});

Deno.test("CbDefenseAPI.notifications() rejects a negative interval and rethrows server errors", async () => {
  await using f = await defenseFixture();
  await assert.rejects(f.cb.notifications({ intervalMs: -1 }).next(), RangeError);
  f.emu.faults.add({ path: `${V3}/notification`, status: 403, times: 1 });
  await assert.rejects(
    f.cb.notifications({ intervalMs: 1 }).next(),
    (e: unknown) => e instanceof Error && e.name === "ServerError",
  );
});

Deno.test("CbDefenseAPI rides the legacy rate limit: 429s are waited out and every call lands once", async () => {
  // A window wider than a few HTTPS round trips on a loaded machine, so the limit is surely hit.
  await using f = await defenseFixture({ defense: { rateLimit: { calls: 3, windowMs: 250 } } });
  const policies = await f.cb.select(Policy).batchSize(1).toArray();
  assert.equal(policies.length, 4);
  const p = f.cb.create(Policy, {
    name: "Under the limit",
    description: "created while rate limited",
    priorityLevel: "LOW",
    version: 2,
    policy: { rules: [] },
  });
  await p.save();
  assert.equal(p.name, "Under the limit");
  for (let i = 0; i < 4; i++) assert.deepEqual(await f.cb.getNotifications(), []);
  const limited = f.emu.requests.filter((r) => r.status === 429);
  assert.ok(limited.length > 0, "the limit was hit");
  const posts = f.emu.requests.filter((r) => r.method === "POST" && r.status === 200);
  assert.equal(posts.length, 1, "the create landed once");
  assert.equal(
    [...f.emu.state.defense.policies.values()].filter((x) => x.name === "Under the limit").length,
    1,
  );
  assert.ok(f.logs.some((l) => /Retrying HTTP GET .* after status 429/.test(l)));
});

Deno.test("A caller's abort reason is rethrown unchanged by selects and queries", async () => {
  await using f = await defenseFixture();
  const reason = new Error("caller gave up");
  const signal = AbortSignal.abort(reason);
  await assert.rejects(f.cb.select(Device, 12, { signal }), (e: unknown) => e === reason);
  await assert.rejects(f.cb.select(Device).toArray({ signal }), (e: unknown) => e === reason);
  await assert.rejects(f.cb.getNotifications({ signal }), (e: unknown) => e === reason);
  assert.equal(f.emu.requests.length, 0);
});
