// deno-lint-ignore-file no-console
/**
 * Drives a running emulator from the shell through its admin routes (`/__emulator/...`):
 *
 * ```sh
 * deno task emulator --tls            # prints {"url": ..., "token": ..., "certFile": ...}
 * export CBEMU_URL=https://127.0.0.1:PORT CBEMU_TOKEN=TOKEN CBEMU_CERT=CERTFILE
 * deno task emulator:admin alert --sensor 3 --watchlist "Suspicious netconn"
 * deno task emulator:admin notify --device 12 --type THREAT --summary "Keylogger"
 * deno task emulator:admin process --sensor 3 --name evil.exe --netconn 203.0.113.9:443:evil.example
 * deno task emulator:admin file --sensor 3 --path 'C:\temp\note.txt' --text 'hello'
 * deno task emulator:admin output --sensor 3 --match ipconfig --text 'Windows IP Configuration'
 * deno task emulator:admin sessions
 * ```
 *
 * Each command prints the emulator's JSON answer on stdout; `--help` lists the options.
 *
 * @module
 */
import { parseArgs } from "node:util";

const HELP = `Usage: deno task emulator:admin <command> [options]

Adds data to a running emulator (deno task emulator) through its admin routes (/__emulator/...).

Connection (or the environment variables CBEMU_URL, CBEMU_TOKEN, CBEMU_CERT):
  --url URL          the emulator's URL, as "deno task emulator" printed it
  --token TOKEN      the emulator's Cb Response API token (the "token" it printed)
  --cert FILE        the certificate file of a --tls emulator ("certFile")

Commands:
  alert      add a Cb Response alert
             [--sensor 3] [--status Unresolved] [--watchlist NAME] [--process GUID]
             [--md5 MD5] [--score 50]
  notify     add a Cb Defense notification
             [--device 12] [--type THREAT|POLICY_ACTION] [--summary TEXT] [--score 7]
  process    add a Cb Response process with events
             --name IMAGE [--sensor 3] [--cmdline TEXT] [--username NAME]
             [--netconn IP:PORT[:DOMAIN]]... [--filemod PATH]... [--regmod PATH]...
             [--modload PATH]...
  protection add a Cb Protection object: --collection NAME (computer, fileInstance, ...)
             --json '{...fields}' (other fields copied from the collection's first object)
  file       put a file on a Live Response endpoint
             --path PATH (--text TEXT | --from LOCAL_FILE) [--sensor 3] [--product response|defense]
  output     set what a command line prints in Live Response (matched by substring)
             --match TEXT (--text TEXT | --from LOCAL_FILE) [--sensor 3] [--product response|defense]
  sessions   list the open Live Response sessions
  routes     list the admin routes

Every command also takes --json '{...}' whose fields are added to the request body.
`;

function fail(message: string): never {
  throw new Error(message);
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      url: { type: "string" },
      token: { type: "string" },
      cert: { type: "string" },
      json: { type: "string" },
      sensor: { type: "string" },
      device: { type: "string" },
      product: { type: "string" },
      status: { type: "string" },
      watchlist: { type: "string" },
      process: { type: "string" },
      md5: { type: "string" },
      score: { type: "string" },
      type: { type: "string" },
      summary: { type: "string" },
      name: { type: "string" },
      cmdline: { type: "string" },
      username: { type: "string" },
      netconn: { type: "string", multiple: true },
      filemod: { type: "string", multiple: true },
      regmod: { type: "string", multiple: true },
      modload: { type: "string", multiple: true },
      path: { type: "string" },
      text: { type: "string" },
      from: { type: "string" },
      match: { type: "string" },
      collection: { type: "string" },
    },
  });
  const command = positionals[0];
  if (values.help || command === undefined || command === "help") {
    console.log(HELP);
    return command === undefined && !values.help ? 2 : 0;
  }
  const env = (name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  };
  const url = (values.url ?? env("CBEMU_URL") ?? fail("Give --url (or set CBEMU_URL)"))
    .replace(/\/+$/, "");
  const token = values.token ?? env("CBEMU_TOKEN") ?? fail("Give --token (or set CBEMU_TOKEN)");
  const cert = values.cert ?? env("CBEMU_CERT");
  const extra = values.json === undefined ? {} : JSON.parse(values.json);
  const num = (raw: string | undefined) => raw === undefined ? undefined : Number(raw);
  const content = async () =>
    values.text ?? (values.from !== undefined ? await Deno.readTextFile(values.from) : undefined) ??
      fail("Give --text or --from");
  let method = "POST";
  let path: string;
  let body: Record<string, unknown> | undefined;
  switch (command) {
    case "alert":
      path = "/response/alerts";
      body = {
        sensorId: num(values.sensor),
        status: values.status,
        watchlistName: values.watchlist,
        processGuid: values.process,
        md5: values.md5,
        score: num(values.score),
      };
      break;
    case "notify":
      path = "/defense/notifications";
      body = {
        deviceId: num(values.device),
        type: values.type,
        summary: values.summary,
        score: num(values.score),
      };
      break;
    case "process":
      path = "/response/processes";
      body = {
        sensorId: num(values.sensor),
        name: values.name ?? fail("Give --name"),
        cmdline: values.cmdline,
        username: values.username,
        netconns: (values.netconn ?? []).map((n) => {
          const [ip, port, domain] = n.split(":");
          if (!ip || !port) fail(`--netconn wants IP:PORT[:DOMAIN], got "${n}"`);
          return { remoteIp: ip, remotePort: Number(port), domain };
        }),
        filemods: (values.filemod ?? []).map((p) => ({ path: p })),
        regmods: (values.regmod ?? []).map((p) => ({ path: p })),
        modloads: (values.modload ?? []).map((p) => ({ path: p })),
      };
      break;
    case "protection":
      path = `/protection/${encodeURIComponent(values.collection ?? fail("Give --collection"))}`;
      body = {};
      break;
    case "file":
      path = "/live-response/files";
      body = {
        product: values.product,
        sensorId: num(values.sensor) ?? 3,
        path: values.path ?? fail("Give --path"),
        text: await content(),
      };
      break;
    case "output":
      path = "/live-response/outputs";
      body = {
        product: values.product,
        sensorId: num(values.sensor) ?? 3,
        match: values.match ?? fail("Give --match"),
        output: await content(),
      };
      break;
    case "sessions":
      method = "GET";
      path = "/live-response/sessions";
      break;
    case "routes":
      method = "GET";
      path = "";
      break;
    default:
      fail(`Unknown command "${command}"; run with --help for the list`);
  }
  if (body) body = { ...JSON.parse(JSON.stringify(body)), ...extra };
  const target = `${url}/__emulator${path}`;
  let answer: { status: number; text: string };
  try {
    answer = await send(target, method, token, body ? JSON.stringify(body) : undefined, cert);
  } catch (e) {
    console.error(
      `Could not reach the emulator at ${url} (${e instanceof Error ? e.message : e}): check ` +
        `--url (or CBEMU_URL) against the "url" deno task emulator printed` +
        (url.startsWith("https:") && !cert
          ? `, and give --cert (or CBEMU_CERT) its "certFile"`
          : ""),
    );
    return 1;
  }
  if (answer.status < 200 || answer.status > 299) {
    console.error(`The emulator at ${url} answered ${answer.status}: ${answer.text}`);
    return 1;
  }
  console.log(JSON.stringify(JSON.parse(answer.text), null, 2));
  return 0;
}

/**
 * One request to the emulator. With a certificate file, over node:https trusting exactly that
 * certificate: the emulator's own, which may be an install-time style one (CA:TRUE, CN=localhost,
 * no subjectAltName) that fetch refuses even when it is given as a CA. Being the very certificate
 * the server presents, its name need not match.
 */
async function send(
  url: string,
  method: string,
  token: string,
  body: string | undefined,
  cert: string | undefined,
): Promise<{ status: number; text: string }> {
  const headers = { "X-Auth-Token": token, "Content-Type": "application/json" };
  if (!cert) {
    const res = await fetch(url, { method, headers, ...(body ? { body } : {}) });
    return { status: res.status, text: await res.text() };
  }
  const ca = await Deno.readTextFile(cert);
  const { request } = await import("node:https");
  return await new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      headers,
      ca,
      checkServerIdentity: () => undefined,
    }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      res.on("end", () => {
        new Blob(chunks as Uint8Array<ArrayBuffer>[]).text().then(
          (text) => resolve({ status: res.statusCode ?? 0, text }),
          reject,
        );
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exitCode = 2;
  }
}
