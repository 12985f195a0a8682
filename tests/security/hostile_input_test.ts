// Issue 15 items 3, 6 and 7: hostile credential values, configure answers and URLs. Each test
// reproduces the attack and checks the typed, redacted outcome.

import assert from "node:assert/strict";
import { Connection, CredentialError, loadCredentials } from "@cbapi/cbapi/core";
import { getApiToken } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { configure } from "../../cli/configure.ts";
import type { Io } from "../../cli/_io.ts";

const SECRET = "S3CRETTOKENVALUE0123456789abcdef01234567";

async function withFile(text: string, run: (file: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cbapi-hostile-" });
  try {
    const file = `${dir}/credentials.response`;
    await Deno.writeTextFile(file, text, { mode: 0o600 });
    await run(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail("expected a refusal");
}

function assertClean(err: Error, ...secrets: string[]): void {
  const shown = `${err.message} ${Deno.inspect(err)} ${String(err.cause ?? "")}`;
  for (const s of secrets) assert.ok(!shown.includes(s), `"${s}" leaked: ${err.message}`);
}

Deno.test("loadCredentials() refuses a token that is not a header value, naming the profile and never the token (issue 15 item 3)", async () => {
  const cases: [string, string][] = [
    ["INI continuation", `[prod]\nurl = https://cb.example\ntoken = ${SECRET}\n  ${SECRET}X\n`],
    ["tab inside", `[prod]\nurl = https://cb.example\ntoken = ${SECRET}\t${SECRET}Y\n`],
    ["NUL inside", `[prod]\nurl = https://cb.example\ntoken = ${SECRET}\0Z\n`],
    ["non-ASCII", `[prod]\nurl = https://cb.example\ntoken = ${SECRET}\u00e9\n`],
  ];
  for (const [label, text] of cases) {
    await withFile(text, async (file) => {
      const err = await refusal(
        Connection.open("response", { credentialFile: file, env: {}, profile: "prod" }),
      );
      assert.ok(err instanceof CredentialError, `${label}: ${err.name}`);
      assert.match(
        err.message,
        /API token for profile "prod" in .*cannot be sent in an HTTP header/,
      );
      assertClean(err, SECRET.slice(0, 12));
    });
  }
  // CBAPI_TOKEN or the token option with a line break is refused the same way.
  for (const token of [`${SECRET}\r\nX-Evil: 1`, `${SECRET}\n`, `\0${SECRET}`]) {
    const err = await refusal(
      loadCredentials("response", {
        credentialFile: [],
        env: { CBAPI_URL: "https://cb.example", CBAPI_TOKEN: token },
      }),
    );
    assert.ok(err instanceof CredentialError);
    assertClean(err, SECRET.slice(0, 12), "X-Evil");
    const err2 = await refusal(Connection.open("response", { url: "https://x.example", token }));
    assert.ok(err2 instanceof CredentialError);
    assertClean(err2, SECRET.slice(0, 12), "X-Evil");
  }
});

Deno.test("getApiToken() and cbapi configure never quote a malformed /api/auth answer (issue 15 item 3)", async () => {
  const answers = [
    `{"auth_token": "${SECRET}"`, // truncated JSON
    `{"auth_token": "${SECRET}\\r\\nX-Evil: 1"}`, // not a header value
    `{"token": "${SECRET}"}`, // wrong field name
    `<html>${SECRET}</html>`,
  ];
  let next = 0;
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(answers[next++ % answers.length], { status: 200 }),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  for (let i = 0; i < answers.length; i++) {
    const err = await refusal(getApiToken(url, "admin", "pw"));
    assert.match(err.message, /^Error retrieving auth_token: /);
    assertClean(err, SECRET);
  }
  // The CLI path: configure asks user and password, gets the malformed answer, prints an error.
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    const printed: string[] = [];
    const replies = [url, "Y", "", "admin", "pw"];
    const io: Io = {
      ask: () => Promise.resolve(replies.shift()),
      out: (line) => printed.push(line),
      err: (line) => printed.push(line),
    };
    next = 0;
    assert.equal(await configure("response", io, { home, tlsVersion: "TLSv1.3" }), 1);
    assert.ok(printed.some((l) => l.includes("Error retrieving auth_token")), printed.join("\n"));
    assert.ok(!printed.join("\n").includes(SECRET), "the CLI prints no token");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("ServerError and friends quote server answers with secret values redacted (issue 15 item 3)", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/info") return Response.json({ version: "6.2.0" });
      const status = path === "/a" ? 500 : path === "/b" ? 401 : 404;
      return new Response(
        `{"error": "bad", "auth_token": "${SECRET}", "password": "hunter2hunter2"}`,
        { status },
      );
    },
  );
  using conn = await Connection.open("response", {
    url: `http://127.0.0.1:${server.addr.port}`,
    token: "t",
    maxRetries: 0,
  });
  for (const path of ["/a", "/b", "/c"]) {
    const err = await refusal(conn.getObject(path));
    assert.match(err.message, /"auth_token": "\[redacted\]"/);
    assertClean(err, SECRET, "hunter2hunter2");
  }
});

Deno.test("Server URLs with credentials are refused, shown redacted (issue 15 item 7)", async () => {
  const pass = "P@ss/w:rd";
  for (const url of [`http://admin:${pass}@cb.example`, `https://admin:${pass}@cb.example/`]) {
    const err = await refusal(Connection.open("response", { url, token: "t", credentialFile: [] }));
    assert.ok(err instanceof CredentialError, err.name);
    assert.match(err.message, /"https?:\/\/admin:\[redacted\]@cb\.example\/?"/);
    assert.match(err.message, /contains a user name or password/);
    assertClean(err, "P@ss", "w:rd", "ss/w");
  }
  // getApiToken() takes a URL directly: the same rule, before the https check.
  const err = await refusal(getApiToken(`http://admin:${pass}@cb.example`, "u", "p"));
  assert.match(err.message, /admin:\[redacted\]@cb\.example/);
  assertClean(err, "P@ss", "w:rd");
});

Deno.test("Proxy URLs are parsed into a typed error and their passwords redacted everywhere (issue 15 item 7)", async () => {
  const pass = "pa@ss%zz";
  for (
    const proxy of [`http://user:${pass}@`, `http://user:${pass}@proxy:99999`, `::user:${pass}@x`]
  ) {
    const err = await refusal(
      Connection.open("response", {
        url: "https://cb.example",
        token: "t",
        proxy,
        credentialFile: [],
      }),
    );
    assert.ok(err instanceof CredentialError, `${proxy}: ${err.name} ${err.message}`);
    assert.match(err.message, /Cannot use the proxy/);
    assertClean(err, "pa@ss", "ss%zz");
  }
  // A valid proxy whose password holds "@": the printed credentials hide all of it.
  await using emu = await CbEmulator.start();
  const creds = await loadCredentials("response", {
    url: "https://cb.example",
    token: SECRET,
    proxy: "http://user:p@ss@w@rd@proxy.example:3128",
    credentialFile: [],
    env: {},
  });
  const shown = [JSON.stringify(creds), Deno.inspect(creds)].join("\n");
  assert.ok(shown.includes("http://user:[redacted]@proxy.example:3128"), shown);
  for (const part of ["p@ss", "ss@w", "w@rd", SECRET]) assert.ok(!shown.includes(part), part);
  assert.ok(emu.url);
});

Deno.test("cbapi configure refuses control characters in answers: a CR cannot add keys (issue 15 item 6)", async () => {
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    const file = `${home}/.carbonblack/credentials.response`;
    const injections = [
      ["https://cb.example\rproxy = http://evil:1", "Y", "tok"],
      ["https://cb.example", "Y", "tok\rssl_cert_file = /tmp/evil.pem"],
      ["https://cb.example", "Y", "tok\u0085proxy = x"],
    ];
    for (const replies of injections) {
      const printed: string[] = [];
      const io: Io = {
        ask: () => Promise.resolve(replies.shift()),
        out: (line) => printed.push(line),
        err: (line) => printed.push(line),
      };
      assert.equal(await configure("response", io, { home, tlsVersion: "TLSv1.3" }), 1);
      assert.ok(printed.some((l) => /control character/.test(l)), printed.join("\n"));
      await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
    }
    // A clean dialogue still writes exactly the three keys, and the file reads back the same.
    const replies = ["  https://cb.example  ", "Y", "tok"];
    const io: Io = {
      ask: () => Promise.resolve(replies.shift()),
      out: () => {},
      err: () => {},
    };
    assert.equal(await configure("response", io, { home, tlsVersion: "TLSv1.3" }), 0);
    assert.equal(
      await Deno.readTextFile(file),
      "[default]\nurl = https://cb.example\ntoken = tok\nssl_verify = True\n\n",
    );
    const creds = await loadCredentials("response", { credentialFile: file, env: {} });
    assert.equal(creds.url, "https://cb.example");
    assert.equal(creds.proxy, undefined);
    assert.equal(creds.sslCertFile, undefined);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
