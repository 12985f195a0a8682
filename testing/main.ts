// deno-lint-ignore-file no-console
/**
 * Command line for the emulator: `deno task emulator [options]` (`--help` lists them). Prints one
 * JSON line (`{"url", "token", "defenseToken", "certFile"?, "caFile"?}`) on stdout, then serves
 * until SIGINT or SIGTERM.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CERTIFICATE_KINDS } from "./_tls.ts";
import { CbEmulator, type EmulatorCertificate, type EmulatorOptions } from "./mod.ts";

/** The text `--help` prints. */
export const HELP = `Usage: deno task emulator [options]

Serves a Cb Response / Protection / Defense server emulator on 127.0.0.1 until SIGINT or SIGTERM
(Ctrl-C). Prints one JSON line first: {"url", "token", "defenseToken", "certFile"?, "caFile"?}.

Options:
  --port N                 Port on 127.0.0.1 (default: a free one)
  --tls                    Serve HTTPS with a fresh self-signed certificate (see --certificate)
  --certificate KIND       Serve HTTPS with a certificate of this kind (implies --tls):
                             default          self-signed, CN=localhost, CA:FALSE, SANs 127.0.0.1
                                              and localhost (the default)
                             install-time     like a Cb Response server's install-time one:
                                              self-signed, CN=localhost, CA:TRUE, no SAN
                             openssl-default  like openssl req -x509: CA:TRUE, SAN IP:127.0.0.1
                             expired          like default, expired yesterday
                             ca-signed        a leaf signed by a test CA (trust caFile)
  --cert-dir DIR           Keep the certificate in DIR (cert.pem, key.pem, ca.pem, kind): made on
                           the first start, reused afterwards, so a pinned profile stays valid
                           (implies --tls; with --port, the URL stays the same too)
  --seed S                 Seed of the data set and tokens (default: 1)
  --scale N                Extra generated processes, binaries and sensors: N of each (default: 0)
  --server-version V       Version GET /api/info reports (default: 6.2.0.171114.1158)
  --latency MS             Hold every search answer back MS milliseconds, as a real server's
                           index does (default: 0)
  --now TIME               The emulator's clock at start (ISO 8601 or epoch ms; default: the start
                           time rounded down to the minute); relative terms such as start:-1440m
                           and the hunting data's timestamps follow it
  -h, --help               Show this help

Example:
  deno task emulator --port 8443 --certificate install-time --cert-dir ~/.cbemu
  deno task cbapi check-tls https://127.0.0.1:8443 --save ~/.cbemu/pinned.pem`;

/** The flags (every one is listed in {@linkcode HELP}). */
export const OPTIONS = {
  port: { type: "string" },
  tls: { type: "boolean", default: false },
  certificate: { type: "string" },
  "cert-dir": { type: "string" },
  seed: { type: "string" },
  scale: { type: "string" },
  "server-version": { type: "string" },
  latency: { type: "string" },
  now: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

function intOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`--${name} must be a non-negative integer, got "${raw}"`);
  }
  return n;
}

function certificateOption(raw: string): EmulatorCertificate {
  const kind = CERTIFICATE_KINDS.find((k) => k === raw);
  if (kind === undefined) {
    throw new RangeError(
      `--certificate must be one of ${CERTIFICATE_KINDS.join(", ")}, got "${raw}"`,
    );
  }
  return kind;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: Deno.args, options: OPTIONS });
  } catch (e) {
    throw new TypeError(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(HELP);
    return;
  }
  const options: EmulatorOptions = { tls: values.tls ?? false };
  if (values.certificate !== undefined) options.certificate = certificateOption(values.certificate);
  if (values["cert-dir"] !== undefined) options.certDir = values["cert-dir"];
  const port = intOption("port", values.port);
  const seed = intOption("seed", values.seed);
  const scale = intOption("scale", values.scale);
  if (port !== undefined) options.port = port;
  if (seed !== undefined) options.seed = seed;
  if (scale !== undefined) options.scale = scale;
  const latency = intOption("latency", values.latency);
  if (latency !== undefined) options.searchLatencyMs = latency;
  if (values["server-version"]) options.serverVersion = values["server-version"];
  if (values.now !== undefined) options.now = values.now;
  // Listen for signals before announcing the URL, so that a stop right after it is clean.
  const { promise, resolve } = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, resolve);
  try {
    await serve(options, promise);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, resolve);
  }
}

async function serve(options: EmulatorOptions, stop: Promise<void>): Promise<void> {
  const emu = await CbEmulator.start(options);
  const line: Record<string, string> = {
    url: emu.url,
    token: emu.token,
    defenseToken: emu.defenseToken,
  };
  if (emu.certFile) line.certFile = emu.certFile;
  if (emu.caFile) line.caFile = emu.caFile;
  console.log(JSON.stringify(line));
  await stop;
  await emu.close();
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exitCode = 1;
  }
}
