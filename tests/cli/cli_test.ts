// The `cbapi` command, run as a subprocess (Deno.Command) with answers on stdin, a temporary
// HOME and the emulator as the server.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { configure } from "../../cli/configure.ts";
import type { Io } from "../../cli/_io.ts";
import { NO_SYS, runScript, type ScriptRun } from "../_child.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url);

function cbapi(args: string[], options: { stdin?: string; home: string }): Promise<ScriptRun> {
  return runScript(MAIN, args, {
    allow: NO_SYS,
    env: { HOME: options.home, NO_COLOR: "1" },
    input: options.stdin ?? "",
  });
}

async function tempHome(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}

function mode(info: Deno.FileInfo): number {
  return (info.mode ?? 0) & 0o777;
}

Deno.test("cbapi check-tls prints the newest TLS version of the platform [spec 32]", async () => {
  await using home = await tempHome();
  const run = await cbapi(["check-tls"], { home: home.path });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "Newest TLS version supported by this platform is: TLSv1.2.\n");
});

Deno.test("cbapi configure response asks the documented questions and writes a 0600 file in a 0700 folder [spec 29]", async () => {
  await using home = await tempHome();
  const run = await cbapi(["configure", "response"], {
    home: home.path,
    stdin: "https://cb.example.com\nmaybe\n n \nabc123token\n",
  });
  assert.equal(run.code, 0, run.stderr);
  const path = `${home.path}/.carbonblack/credentials.response`;
  const ssl = "Use SSL/TLS certificate validation (answer 'N' if using self-signed certs) [Y/N]: ";
  assert.equal(
    run.stdout,
    "Welcome to the CbAPI.\n" +
      "URL to the Cb Response server [https://hostname]: " +
      // The server cannot be reached (no network beyond loopback in tests): its certificate
      // cannot be inspected, so the validation question is asked as in Python.
      "Could not inspect the server's certificate: No TLS handshake with cb.example.com:443: " +
      "getaddrinfo EPERM cb.example.com. Check the URL and port, and that the server speaks " +
      "HTTPS there\n" + ssl + ssl +
      "API token (if unknown, leave blank): " +
      `Successfully wrote credentials to ${path}.\n`,
  );
  assert.equal(
    await Deno.readTextFile(path),
    "[default]\nurl = https://cb.example.com\ntoken = abc123token\nssl_verify = False\n\n",
  );
  assert.equal(mode(await Deno.stat(path)), 0o600);
  assert.equal(mode(await Deno.stat(`${home.path}/.carbonblack`)), 0o700);
});

Deno.test("cbapi configure response looks the token up with user name and password [spec 29]", async () => {
  await using emu = await CbEmulator.start();
  await using home = await tempHome();
  const run = await cbapi(["configure"], {
    home: home.path,
    stdin: `${emu.url}\nY\n\nadmin\ncbisawesome\n`,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /API token \(if unknown, leave blank\): No API token provided: we will look it up using your username & password\nUsername: Password: Retrieving API token for admin\.\.\.\nSuccessfully wrote/,
  );
  assert.ok(!run.stdout.includes("cbisawesome"), "the password is never printed");
  assert.deepEqual(emu.requests.map((r) => `${r.method} ${r.url}`), [
    "GET /api/auth",
    "GET /api/auth",
  ]);
  // The first request fetches the Digest challenge, the second answers it (the emulator redacts
  // the header in its log); neither carries an API token.
  assert.equal(emu.requests[0]!.headers["authorization"], undefined);
  assert.ok(emu.requests[1]!.headers["authorization"]);
  assert.ok(emu.requests.every((r) => r.headers["x-auth-token"] === undefined));
  const text = await Deno.readTextFile(`${home.path}/.carbonblack/credentials.response`);
  assert.equal(text, `[default]\nurl = ${emu.url}\ntoken = ${emu.token}\nssl_verify = True\n\n`);

  // The file it wrote works: `cbapi info` connects with the default profile.
  const info = await cbapi(["info", "--json"], { home: home.path });
  assert.equal(info.code, 0, info.stderr);
  const report = JSON.parse(info.stdout);
  assert.equal(report.url, emu.url);
  assert.equal(report.version, "6.2.0.171114.1158".slice(0, report.version.length));
});

Deno.test("cbapi configure response reports a wrong password and writes nothing [spec 29]", async () => {
  await using emu = await CbEmulator.start();
  await using home = await tempHome();
  const run = await cbapi(["configure", "response"], {
    home: home.path,
    stdin: `${emu.url}\nY\n\nadmin\nwrong\n`,
  });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /Could not retrieve API token: Invalid credentials/);
  assert.match(run.stderr, /CredentialError/);
  await assert.rejects(
    Deno.stat(`${home.path}/.carbonblack/credentials.response`),
    Deno.errors.NotFound,
  );
});

Deno.test("cbapi configure asks before overwriting and keeps the file unless told Y [spec 29]", async () => {
  await using home = await tempHome();
  const dir = `${home.path}/.carbonblack`;
  await Deno.mkdir(dir);
  const path = `${dir}/credentials.response`;
  await Deno.writeTextFile(path, "[default]\nurl = https://old\ntoken = old\n\n[prod]\nurl = x\n");
  const no = await cbapi(["configure", "response"], { home: home.path, stdin: "n\n" });
  assert.equal(no.code, 1);
  assert.equal(
    no.stdout,
    "Welcome to the CbAPI.\n" +
      `An existing credential file exists at ${path}.\n` +
      "Do you want to continue and overwrite the existing configuration? [Y/N] Exiting.\n",
  );
  assert.match(await Deno.readTextFile(path), /token = old/);

  const yes = await cbapi(["configure", "response"], {
    home: home.path,
    stdin: " y \nhttps://new\nY\nnewtoken\n",
  });
  assert.equal(yes.code, 0, yes.stderr);
  // Only [default] is written: the other profiles are gone, as with the Python command.
  assert.equal(
    await Deno.readTextFile(path),
    "[default]\nurl = https://new\ntoken = newtoken\nssl_verify = True\n\n",
  );
  assert.equal(mode(await Deno.stat(path)), 0o600);
});

Deno.test("cbapi configure protection asks URL, validation and token [spec 30]", async () => {
  await using home = await tempHome();
  const run = await cbapi(["configure", "protection"], {
    home: home.path,
    stdin: "https://bit9.example.com\nY\nPROTECTIONTOKEN\n",
  });
  assert.equal(run.code, 0, run.stderr);
  const path = `${home.path}/.carbonblack/credentials.protection`;
  assert.equal(
    run.stdout,
    "Welcome to the CbAPI.\n" +
      "URL to the Cb Protection server [https://hostname]: " +
      "Could not inspect the server's certificate: No TLS handshake with bit9.example.com:443: " +
      "getaddrinfo EPERM bit9.example.com. Check the URL and port, and that the server speaks " +
      "HTTPS there\n" +
      "Use SSL/TLS certificate validation (answer 'N' if using self-signed certs) [Y/N]: " +
      "API token: " +
      `Successfully wrote credentials to ${path}.\n`,
  );
  assert.equal(
    await Deno.readTextFile(path),
    "[default]\nurl = https://bit9.example.com\ntoken = PROTECTIONTOKEN\nssl_verify = True\n\n",
  );
});

Deno.test("cbapi configure defense joins API key and connector ID into the token [spec 31]", async () => {
  await using home = await tempHome();
  const run = await cbapi(["configure", "defense"], {
    home: home.path,
    stdin: "https://api-prod05.conferdeploy.net\nGO5M953111\nN4QLQDRNH6PNCDQR5D1BLZTY\n",
  });
  assert.equal(run.code, 0, run.stderr);
  const path = `${home.path}/.carbonblack/credentials.defense`;
  assert.equal(
    run.stdout,
    "Welcome to the CbAPI.\n" +
      "URL to the Cb Defense API server (do not include '/integrationServices') [https://hostname]: " +
      "Connector ID: API key: " +
      `Successfully wrote credentials to ${path}.\n`,
  );
  assert.equal(
    await Deno.readTextFile(path),
    "[default]\nurl = https://api-prod05.conferdeploy.net\n" +
      "token = N4QLQDRNH6PNCDQR5D1BLZTY/GO5M953111\nssl_verify = True\n\n",
  );
});

Deno.test("cbapi configure stops with Exiting. when input ends early, and rejects unknown products", async () => {
  await using home = await tempHome();
  const early = await cbapi(["configure", "response"], { home: home.path, stdin: "https://x\n" });
  assert.equal(early.code, 1);
  assert.match(early.stdout, /Exiting\.\n$/);
  await assert.rejects(Deno.stat(`${home.path}/.carbonblack/credentials.response`));
  const bad = await cbapi(["configure", "edr"], { home: home.path });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown product "edr"; give one of response, protection, defense/);
});

Deno.test("configure() prints the TLS 1.2 notice for Cb Response when the platform lacks TLS 1.2 [spec 29]", async () => {
  await using home = await tempHome();
  const out: string[] = [];
  const answers = ["https://cb.example.com", "Y", "tok"];
  const io: Io = {
    ask(question) {
      out.push(question);
      return Promise.resolve(answers.shift());
    },
    out: (line) => out.push(`${line}\n`),
    err: (line) => out.push(`ERR ${line}\n`),
  };
  assert.equal(await configure("response", io, { home: home.path, tlsVersion: "TLSv1.0" }), 0);
  assert.equal(out[0], "Welcome to the CbAPI.\n");
  assert.match(out[1]!, /TLSv1\.0\. Cb Response 6\.1 and newer require TLS 1\.2/);
  const plain: string[] = [];
  const io2: Io = { ...io, out: (line) => plain.push(line) };
  answers.push("Y", "https://cb.example.com", "Y", "tok");
  assert.equal(await configure("response", io2, { home: home.path }), 0);
  assert.ok(!plain.some((l) => l.includes("TLS 1.2")), "no notice when TLS 1.2 is there");
});

Deno.test("cbapi info prints version, license request and counts, as text and JSON", async () => {
  await using emu = await CbEmulator.start();
  await using home = await tempHome();
  const text = await cbapi(["info", "--cburl", emu.url, "--apitoken", emu.token], {
    home: home.path,
  });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^Cb Response server ${emu.url}\n`));
  assert.match(text.stdout, /^ {2}Server version {2}: 6\.\d/m);
  assert.match(text.stdout, /^ {2}Sensors {9}: \d+$/m);
  assert.match(text.stdout, /BEGIN CB LICENSE REQUEST/);
  const urls = emu.requests.map((r) => r.url);
  assert.ok(urls.includes("/api/info") && urls.includes("/api/license"));
  assert.ok(urls.includes("/api/v1/sensor"));
  assert.ok(urls.some((u) => u.startsWith("/api/v1/process?") && u.includes("rows=0")));
  assert.ok(urls.some((u) => u.startsWith("/api/v1/binary?") && u.includes("rows=0")));
  assert.ok(!text.stdout.includes(emu.token) && !text.stderr.includes(emu.token));

  const json = await cbapi(["info", "--json", "--cburl", emu.url, "--apitoken", emu.token], {
    home: home.path,
  });
  const report = JSON.parse(json.stdout);
  assert.equal(report.sensors, emu.state.sensors.size);
  assert.ok(report.processes > 0 && report.binaries > 0);

  const wrong = await cbapi(["info", "--cburl", emu.url, "--apitoken", "nope"], {
    home: home.path,
  });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /UnauthorizedError: Invalid API token/);
});
