import assert from "node:assert/strict";
import {
  type CredentialOptions,
  type Credentials,
  credentialSearchPath,
  loadCredentials,
  type Product,
} from "../../core/credentials.ts";
import { parseIni } from "../../core/_ini.ts";
import { CredentialError } from "../../core/errors.ts";

const TOKEN = "SECRET-TOKEN-0123456789";
const PROFILE = `[default]\nurl = https://cb.example\ntoken = ${TOKEN}\n`;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cbapi_creds_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function write(path: string, text: string, mode = 0o600): Promise<string> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, mode);
  return path;
}

/** Loads from the given files only, with an empty environment and no warnings. */
function load(
  files: string | string[],
  options: CredentialOptions = {},
  product: Product = "response",
): Promise<Credentials> {
  return loadCredentials(product, { credentialFile: files, env: {}, warn: () => {}, ...options });
}

/** Asserts a CredentialError whose message matches and never holds the token. */
async function rejectsWith(
  promise: Promise<unknown>,
  pattern: RegExp,
): Promise<CredentialError> {
  const error = await promise.then(
    () => assert.fail("expected a CredentialError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CredentialError, `not a CredentialError: ${error}`);
  assert.match(error.message, pattern);
  assert.ok(!error.message.includes(TOKEN), "the message holds the token");
  assert.ok(!String(error.cause ?? "").includes(TOKEN), "the cause holds the token");
  return error;
}

Deno.test("credentialSearchPath lists /etc, home and cwd files in order [spec 1]", () => {
  assert.deepEqual(credentialSearchPath("protection", { home: "/home/me/", cwd: "/srv" }), [
    "/etc/carbonblack/credentials.protection",
    "/home/me/.carbonblack/credentials.protection",
    "/srv/.carbonblack/credentials.protection",
  ]);
  assert.equal(
    credentialSearchPath("defense", { home: "/h" })[2],
    "./.carbonblack/credentials.defense",
  );
  assert.throws(
    () => credentialSearchPath("bogus" as Product),
    (e: unknown) => e instanceof CredentialError && /product "bogus"/.test(e.message),
  );
});

Deno.test("loadCredentials merges later files per key [spec 1]", async () => {
  await withDir(async (dir) => {
    const home = `${dir}/home`;
    const cwd = `${dir}/work`;
    await write(
      `${home}/.carbonblack/credentials.response`,
      `[default]\nurl = https://home.example\ntoken = ${TOKEN}\nssl_verify = false\n`,
    );
    await write(
      `${cwd}/.carbonblack/credentials.response`,
      "[default]\nurl = https://cwd.example\n",
    );
    const creds = await loadCredentials("response", { env: { HOME: home }, cwd, warn() {} });
    assert.equal(creds.url, "https://cwd.example");
    assert.equal(creds.token, TOKEN);
    assert.equal(creds.sslVerify, false);
    assert.equal(
      creds.source,
      `${home}/.carbonblack/credentials.response, ${cwd}/.carbonblack/credentials.response`,
    );
    await assert.rejects(loadCredentials("bogus" as Product, { env: {} }), CredentialError);
  });
});

Deno.test("loadCredentials credentialFile replaces the search path [spec 2]", async () => {
  await withDir(async (dir) => {
    await write(`${dir}/.carbonblack/credentials.response`, "[default]\nurl = https://cwd\n");
    const a = await write(`${dir}/a.ini`, PROFILE);
    const b = await write(`${dir}/b.ini`, "[default]\nurl = https://b.example\n");
    const one = await load(a, { cwd: dir, env: { HOME: dir } });
    assert.equal(one.url, "https://cb.example");
    assert.equal(one.source, a);
    const list = await load([a, `${dir}/missing.ini`, b], { cwd: dir });
    assert.equal(list.url, "https://b.example");
    assert.equal(list.token, TOKEN);
    assert.equal(list.source, `${a}, ${b}`);
  });
});

Deno.test("loadCredentials picks profiles, [DEFAULT], any key case and comments [spec 3]", async () => {
  await withDir(async (dir) => {
    const file = await write(
      `${dir}/c.ini`,
      [
        "# comment",
        "; another comment",
        "[DEFAULT]",
        "SSL_Verify = no",
        "url = https://default.example",
        "",
        "[default]",
        `token=${TOKEN}`,
        "  # indented comment",
        "[prod]",
        "URL: https://prod.example",
        `Token : ${TOKEN}/x`,
        "ssl_verify = yes",
      ].join("\n"),
    );
    const def = await load(file);
    assert.equal(def.profile, "default");
    assert.equal(def.url, "https://default.example");
    assert.equal(def.sslVerify, false);
    const prod = await load(file, { profile: "prod" });
    assert.equal(prod.url, "https://prod.example");
    assert.equal(prod.token, `${TOKEN}/x`);
    assert.equal(prod.sslVerify, true);
    const fromEnv = await load(file, { env: { CBAPI_PROFILE: "prod" } });
    assert.equal(fromEnv.profile, "prod");
    assert.equal(
      (await load(file, { profile: "default", env: { CBAPI_PROFILE: "prod" } })).profile,
      "default",
    );
    await rejectsWith(
      load(file, { profile: "DEFAULT" }),
      /Cannot find credential profile "DEFAULT"/,
    );
    await rejectsWith(load(file, { profile: "Prod" }), /profile "Prod"/);
  });
});

Deno.test("loadCredentials parses the four boolean keys [spec 4]", async (t) => {
  const keys = {
    ssl_verify: "sslVerify",
    ssl_verify_hostname: "sslVerifyHostname",
    ssl_force_tls_1_2: "sslForceTls12",
    ignore_system_proxy: "ignoreSystemProxy",
  } as const;
  const cases: [string, boolean][] = [
    ["1", true],
    ["yes", true],
    ["TRUE", true],
    ["On", true],
    ["0", false],
    ["No", false],
    ["false", false],
    ["OFF", false],
    ["", false],
  ];
  await withDir(async (dir) => {
    for (const [key, field] of Object.entries(keys)) {
      await t.step(key, async () => {
        for (const [text, expected] of cases) {
          const file = await write(`${dir}/${key}.ini`, `${PROFILE}${key} = ${text}\n`);
          assert.equal((await load(file))[field], expected, `${key} = ${text}`);
        }
        const file = await write(`${dir}/${key}.ini`, `${PROFILE}${key} = maybe\n`);
        await rejectsWith(
          load(file),
          new RegExp(
            `"maybe" of "${key}" of profile "default" in .*${key}\\.ini: use one of 1, yes`,
          ),
        );
      });
    }
  });
});

Deno.test("loadCredentials requires the url key [spec 5]", async () => {
  await withDir(async (dir) => {
    const none = await write(`${dir}/none.ini`, `[default]\ntoken = ${TOKEN}\n`);
    const error = await rejectsWith(
      load(none),
      /^No URL specified for profile "default" in .*none\.ini/,
    );
    assert.deepEqual(error.files, [none]);
    const empty = await write(`${dir}/empty.ini`, `[default]\nurl =\ntoken = ${TOKEN}\n`);
    await rejectsWith(load(empty), /No URL specified/);
    assert.equal((await load(await write(`${dir}/ok.ini`, PROFILE))).url, "https://cb.example");
  });
});

Deno.test("loadCredentials requires the token key and the Defense form [spec 6]", async () => {
  await withDir(async (dir) => {
    const none = await write(`${dir}/none.ini`, "[default]\nurl = https://cb.example\n");
    await rejectsWith(load(none), /^No API token specified for profile "default"/);
    const plain = await write(`${dir}/plain.ini`, PROFILE);
    assert.equal((await load(plain, {}, "protection")).token, TOKEN);
    await rejectsWith(load(plain, {}, "defense"), /\{API key\}\/\{connector ID\}/);
    const ok = await write(`${dir}/ok.ini`, `${PROFILE.replace(TOKEN, "KEY/CONN")}`);
    assert.equal((await load(ok, {}, "defense")).token, "KEY/CONN");
  });
});

Deno.test("loadCredentials reads and types every TLS and proxy key [spec 7] [spec 8] [spec 9] [spec 10] [spec 11] [spec 12]", async () => {
  await withDir(async (dir) => {
    const defaults = await load(await write(`${dir}/d.ini`, PROFILE));
    assert.equal(defaults.sslVerify, true);
    assert.equal(defaults.sslVerifyHostname, true);
    assert.equal(defaults.sslCertFile, undefined);
    assert.equal(defaults.sslForceTls12, false);
    assert.equal(defaults.proxy, undefined);
    assert.equal(defaults.ignoreSystemProxy, false);
    const file = await write(
      `${dir}/all.ini`,
      PROFILE +
        [
          "ssl_verify = false",
          "ssl_verify_hostname = no",
          "ssl_cert_file = /etc/ssl/cb.pem",
          "ssl_force_tls_1_2 = yes",
          "proxy = http://user:pw@proxy.example:8001/",
          "ignore_system_proxy = on",
        ].join("\n"),
    );
    const creds = await load(file);
    assert.equal(creds.sslVerify, false);
    assert.equal(creds.sslVerifyHostname, false);
    assert.equal(creds.sslCertFile, "/etc/ssl/cb.pem");
    assert.equal(creds.sslForceTls12, true);
    assert.equal(creds.proxy, "http://user:pw@proxy.example:8001/");
    assert.equal(creds.ignoreSystemProxy, true);
    assert.equal(JSON.stringify(creds).includes(":pw@"), false);
    const options = await load(file, { sslVerify: true, sslCertFile: "/x.pem", proxy: "http://p" });
    assert.equal(options.sslVerify, true);
    assert.equal(options.sslCertFile, "/x.pem");
    assert.equal(options.proxy, "http://p");
  });
});

Deno.test("loadCredentials reads the rabbitmq keys [spec 13]", async () => {
  await withDir(async (dir) => {
    const defaults = await load(await write(`${dir}/d.ini`, PROFILE));
    assert.equal(defaults.rabbitmqUser, "cb");
    assert.equal(defaults.rabbitmqPass, undefined);
    assert.equal(defaults.rabbitmqHost, "localhost");
    assert.equal(defaults.rabbitmqPort, 5004);
    const file = await write(
      `${dir}/r.ini`,
      `${PROFILE}rabbitmq_user = amqp\nrabbitmq_pass = hunter2\nrabbitmq_host = cb.local\nrabbitmq_port = 5672\n`,
    );
    const creds = await load(file);
    assert.equal(creds.rabbitmqUser, "amqp");
    assert.equal(creds.rabbitmqPass, "hunter2");
    assert.equal(creds.rabbitmqHost, "cb.local");
    assert.equal(creds.rabbitmqPort, 5672);
    assert.equal(JSON.stringify(creds).includes("hunter2"), false);
    for (const bad of ["abc", "50.4", "0", "70000"]) {
      const badFile = await write(`${dir}/bad.ini`, `${PROFILE}rabbitmq_port = ${bad}\n`);
      await rejectsWith(load(badFile), /"rabbitmq_port" of profile "default".*integer/);
    }
  });
});

Deno.test("loadCredentials rejects an unknown profile listing the searched files [spec 14]", async () => {
  await withDir(async (dir) => {
    const home = `${dir}/home`;
    await write(`${home}/.carbonblack/credentials.response`, PROFILE);
    const error = await rejectsWith(
      loadCredentials("response", { profile: "prod", env: { HOME: home }, cwd: dir, warn() {} }),
      /^Cannot find credential profile "prod" after searching in these files: /,
    );
    const files = [
      "/etc/carbonblack/credentials.response",
      `${home}/.carbonblack/credentials.response`,
      `${dir}/.carbonblack/credentials.response`,
    ];
    assert.deepEqual(error.files, files);
    assert.ok(error.message.includes(files.join(", ")));
    assert.match(error.message, /deno task cbapi configure response/);
    await rejectsWith(load([], { profile: "x" }), /profile "x"/);
  });
});

Deno.test("loadCredentials uses explicit url and token options over everything [spec 15]", async () => {
  await withDir(async (dir) => {
    const file = await write(`${dir}/c.ini`, `${PROFILE}ssl_verify_hostname = no\n`);
    const creds = await load(file, {
      url: "https://explicit.example",
      token: "T/1",
      sslVerify: false,
      env: { CBAPI_URL: "https://env.example", CBAPI_TOKEN: "E" },
    });
    assert.equal(creds.url, "https://explicit.example");
    assert.equal(creds.token, "T/1");
    assert.equal(creds.sslVerify, false);
    assert.equal(creds.sslVerifyHostname, true, "no file value applies");
    assert.equal(creds.source, "options");
    const noProfile = await load([], { profile: "nowhere", url: "https://x", token: "t" });
    assert.equal(noProfile.url, "https://x");
    await assert.rejects(loadCredentials("response", { url: "https://x", env: {} }), TypeError);
    await assert.rejects(loadCredentials("response", { token: TOKEN, env: {} }), (e: unknown) => {
      assert.ok(e instanceof TypeError && !e.message.includes(TOKEN));
      return true;
    });
    const broken = await write(`${dir}/broken.ini`, "url = x\n");
    await rejectsWith(load(broken, { url: "https://x", token: "t" }), /broken\.ini" at line 1/);
  });
});

Deno.test("loadCredentials lets CBAPI_URL and CBAPI_TOKEN override the files", async () => {
  await withDir(async (dir) => {
    const file = await write(`${dir}/c.ini`, `${PROFILE}ssl_verify = no\n`);
    const url = await load(file, { env: { CBAPI_URL: "https://env.example" } });
    assert.equal(url.url, "https://env.example");
    assert.equal(url.token, TOKEN);
    assert.equal(url.sslVerify, false);
    assert.equal(url.source, `${file}, environment`);
    const both = await load([], { env: { CBAPI_URL: "https://env.example", CBAPI_TOKEN: "E" } });
    assert.deepEqual([both.url, both.token, both.source], [
      "https://env.example",
      "E",
      "environment",
    ]);
    await rejectsWith(load([], { env: { CBAPI_URL: "https://env.example" } }), /Cannot find/);
    const empty = await load(file, { env: { CBAPI_URL: "", CBAPI_TOKEN: "" } });
    assert.equal(empty.url, "https://cb.example");
  });
});

Deno.test("loadCredentials reports a malformed file with its name and line", async () => {
  await withDir(async (dir) => {
    const cases: [string, RegExp][] = [
      [`[default]\nurl = https://x\n${TOKEN}\n`, /line 3: the line has no "=" or ":"/],
      [`token = ${TOKEN}\n[default]\n`, /line 1: a key appears before any \[section\]/],
      [`[default]\ntoken = ${TOKEN}\nTOKEN = ${TOKEN}\n`, /line 3: key "token" appears twice/],
      [`[default]\nurl = a\n[other]\n[default]\n`, /line 4: section "\[default\]" appears twice/],
      [`[default]\n = ${TOKEN}\n`, /line 2: the key name is empty/],
    ];
    for (const [text, pattern] of cases) {
      const file = await write(`${dir}/bad.ini`, text);
      const error = await rejectsWith(load(file), pattern);
      assert.ok(error.message.includes(`"${file}"`));
      assert.match(error.message, /Fix or remove this credential file$/);
      assert.ok(error.cause instanceof SyntaxError);
    }
  });
});

Deno.test("loadCredentials rejects a credential path that is not a file", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/sub`);
    await rejectsWith(
      load(`${dir}/sub`),
      /Cannot read credential file ".*sub": it is not a regular file/,
    );
  });
});

Deno.test("loadCredentials never shows the token in inspection or JSON", async () => {
  await withDir(async (dir) => {
    const creds = await load(await write(`${dir}/c.ini`, `${PROFILE}rabbitmq_pass = pw\n`));
    assert.ok(Object.isFrozen(creds));
    const shown = Deno.inspect(creds);
    assert.ok(!shown.includes(TOKEN));
    assert.match(shown, /^Credentials \{/);
    assert.match(shown, /token: "\[redacted\]"/);
    assert.match(shown, /url: "https:\/\/cb\.example"/);
    const json = JSON.parse(JSON.stringify(creds));
    assert.equal(json.token, "[redacted]");
    assert.equal(json.rabbitmqPass, "[redacted]");
    assert.equal(json.url, "https://cb.example");
    assert.equal(creds.token, TOKEN);
    assert.deepEqual(Object.keys(creds).includes("toJSON"), false);
  });
});

Deno.test("loadCredentials warns once about a credential file others can read", async () => {
  await withDir(async (dir) => {
    const open = await write(`${dir}/open.ini`, PROFILE, 0o644);
    const closed = await write(`${dir}/closed.ini`, PROFILE, 0o600);
    const warnings: string[] = [];
    await load([open, closed, open], { warn: (m) => warnings.push(m) });
    if (Deno.build.os === "windows") return;
    assert.deepEqual(warnings, [
      `Credential file ${open} has permissions 0644; run "chmod 600 ${open}" so other users cannot read your API token`,
    ]);
  });
});

Deno.test("parseIni follows RawConfigParser rules", async (t) => {
  await t.step("splits on the first separator and trims", () => {
    const doc = parseIni("\uFEFF[s]\n  Url :  https://h:8443/a=b  \nA:b=c\nx=\n", "f");
    assert.deepEqual([...doc.sections.get("s")!], [["url", "https://h:8443/a=b"], ["a", "b=c"], [
      "x",
      "",
    ]]);
  });
  await t.step("joins continuation lines and keeps inner blank lines", () => {
    const doc = parseIni("[s]\nk = one\n  two\n\n  three\n\n# c\nnext = 1 ; not a comment\n", "f");
    assert.equal(doc.sections.get("s")?.get("k"), "one\ntwo\n\nthree");
    assert.equal(doc.sections.get("s")?.get("next"), "1 ; not a comment");
  });
  await t.step("keeps [DEFAULT] apart and allows it twice", () => {
    const doc = parseIni("[DEFAULT]\na = 1\n[x]\nb = 2\n[DEFAULT]\nc = 3\n", "f");
    assert.deepEqual([...doc.defaults], [["a", "1"], ["c", "3"]]);
    assert.deepEqual([...doc.sections.keys()], ["x"]);
  });
  await t.step("throws SyntaxError naming the file and line", () => {
    assert.throws(() => parseIni("[s]\r\nok = 1\r\nbad\r\n", "the.ini"), {
      name: "SyntaxError",
      message: 'Cannot parse "the.ini" at line 3: the line has no "=" or ":" separator',
    });
  });
});

Deno.test("A typo'd profile name lists the profiles found and suggests the closest", async () => {
  await withDir(async (dir) => {
    const file = await write(
      `${dir}/c.ini`,
      `${PROFILE}[prod]\nurl = https://prod.example\ntoken = ${TOKEN}\n`,
    );
    const error = await rejectsWith(
      load(file, { profile: "defualt" }),
      /^Cannot find credential profile "defualt" after searching in these files: /,
    );
    assert.match(error.message, /profiles found: \[default\], \[prod\]; did you mean "default"\?/);
    // A name far from every profile gets the list but no guess.
    const far = await rejectsWith(load(file, { profile: "staging" }), /profile "staging"/);
    assert.match(far.message, /profiles found: \[default\], \[prod\]/);
    assert.doesNotMatch(far.message, /did you mean/);
    // A missing file next to an existing one is named.
    const both = await rejectsWith(
      load([file, `${dir}/gone.ini`], { profile: "prdo" }),
      /did you mean "prod"\?/,
    );
    assert.ok(both.message.includes(`not found: ${dir}/gone.ini`));
  });
});

Deno.test("A missing explicit credentialFile says the file was not found", async () => {
  await withDir(async (dir) => {
    const missing = `${dir}/nope/credentials.response`;
    const error = await rejectsWith(load(missing), /^Credential file ".*" not found/);
    assert.ok(error.message.includes(`"${missing}"`));
    assert.doesNotMatch(error.message, /Cannot find credential profile/);
    assert.deepEqual(error.files, [missing]);
    // With url and token from the environment the file is not needed (SPEC: env overrides files).
    const creds = await load(missing, {
      env: { CBAPI_URL: "https://env.example", CBAPI_TOKEN: TOKEN },
    });
    assert.equal(creds.url, "https://env.example");
  });
});
