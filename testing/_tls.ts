/**
 * Certificates for the emulator's HTTPS mode, made with npm `selfsigned` (EC P-256 keys, fast to
 * make), and the `--cert-dir` store that keeps one across restarts.
 *
 * @module
 */
import { generate } from "selfsigned";
import type { EmulatorCertificate } from "./options.ts";

/** A PEM certificate and its private key, plus the CA certificate that signed it, if any. */
export interface TlsMaterial {
  /** Certificate the server presents, PEM text. */
  cert: string;
  /** Private key, PEM text. */
  key: string;
  /** Certificate of the CA that signed `cert` (only for `"ca-signed"`), PEM text. */
  ca?: string | undefined;
}

/** Every certificate kind, in the order the CLI help lists them. */
export const CERTIFICATE_KINDS: readonly EmulatorCertificate[] = [
  "default",
  "install-time",
  "openssl-default",
  "expired",
  "ca-signed",
];

const DAY = 24 * 3600_000;
type Extensions = NonNullable<NonNullable<Parameters<typeof generate>[1]>["extensions"]>;

/** Extensions of a server (leaf) certificate for 127.0.0.1 and localhost. */
function leafExtensions(): Extensions {
  return [
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }],
    },
  ];
}
/** Name of the test CA of `"ca-signed"` certificates. */
const CA_NAME = "cbemu test CA";

async function make(
  commonName: string,
  extensions: Extensions,
  validity: { from: number; to: number },
  ca?: { cert: string; key: string },
): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(validity.from),
    notAfterDate: new Date(validity.to),
    extensions,
    ...(ca ? { ca } : {}),
  });
  // PEM files end with a newline, as openssl writes them.
  return { cert: `${pems.cert.trimEnd()}\n`, key: `${pems.private.trimEnd()}\n` };
}

/**
 * Makes a fresh certificate of the given kind (a new key every time, so two calls never give
 * certificates that verify each other). Nothing is written to disk here.
 *
 * - `default`: self-signed, `CN=localhost`, `CA:FALSE`, SANs `IP:127.0.0.1` and `DNS:localhost`,
 *   server-auth key usage: what `fetch` with `Deno.createHttpClient({ caCerts })` accepts.
 * - `install-time`: like the one a Cb Response server generates at install: self-signed,
 *   `CN=localhost`, basic constraints `CA:TRUE`, no subjectAltName (so the name never matches
 *   `127.0.0.1`).
 * - `openssl-default`: like `openssl req -x509 -subj /CN=127.0.0.1 -addext
 *   subjectAltName=IP:127.0.0.1`: self-signed, critical `CA:TRUE`, SAN `IP:127.0.0.1`.
 * - `expired`: like `default` but valid from 30 days ago until yesterday.
 * - `ca-signed`: a leaf like `default` (no `CA:TRUE`) signed by a separate test CA
 *   (`CN=cbemu test CA`, `CA:TRUE`) whose certificate is `ca`.
 *
 * @param kind Which kind.
 * @param now The clock (ms since the epoch).
 */
export async function makeCertificate(
  kind: EmulatorCertificate = "default",
  now: number = Date.now(),
): Promise<TlsMaterial> {
  const valid = { from: now - 60_000, to: now + 365 * DAY };
  switch (kind) {
    case "default":
      return await make("localhost", leafExtensions(), valid);
    case "install-time":
      return await make("localhost", [{ name: "basicConstraints", cA: true }], valid);
    case "openssl-default":
      return await make("127.0.0.1", [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
      ], valid);
    case "expired":
      return await make("localhost", leafExtensions(), { from: now - 30 * DAY, to: now - DAY });
    case "ca-signed": {
      const ca = await make(CA_NAME, [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ], { from: valid.from, to: now + 3650 * DAY });
      const leaf = await make("localhost", leafExtensions(), valid, ca);
      return { ...leaf, ca: ca.cert };
    }
    default:
      throw new TypeError(
        `Unknown emulator certificate "${kind}": give one of ${CERTIFICATE_KINDS.join(", ")}`,
      );
  }
}

/** Files of a certificate folder (`certDir`). */
export interface CertFiles {
  /** The certificate the server presents. */
  certFile: string;
  /** The CA certificate, for `"ca-signed"`. */
  caFile: string | undefined;
  /** What the files hold. */
  material: TlsMaterial;
  /** The kind recorded in the folder (`"default"` for a pair of your own). */
  kind: EmulatorCertificate;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/**
 * Loads `cert.pem` + `key.pem` (+ `ca.pem`) from `dir`, or makes them there (key readable by its
 * owner only) when the folder holds no certificate yet. A `kind` file records which kind was made;
 * asking for another kind than the one stored is an error (a silent change would break pins).
 *
 * @param dir The folder (created when missing).
 * @param kind The kind asked for; undefined = whatever is stored, `"default"` when nothing is.
 */
export async function loadOrMakeCertificate(
  dir: string,
  kind: EmulatorCertificate | undefined,
): Promise<CertFiles> {
  const certFile = `${dir}/cert.pem`;
  const keyFile = `${dir}/key.pem`;
  const caPath = `${dir}/ca.pem`;
  const kindFile = `${dir}/kind`;
  const [cert, key] = [await readIfExists(certFile), await readIfExists(keyFile)];
  if (cert !== undefined && key !== undefined) {
    const stored = (await readIfExists(kindFile))?.trim();
    if (kind !== undefined && stored !== undefined && stored !== kind) {
      throw new Error(
        `The certificate folder ${dir} holds a "${stored}" certificate, not "${kind}": leave out ` +
          `the certificate kind to reuse it, or give another folder (or empty this one) for a new one`,
      );
    }
    const ca = await readIfExists(caPath);
    return {
      certFile,
      caFile: ca === undefined ? undefined : caPath,
      material: { cert, key, ca },
      kind: CERTIFICATE_KINDS.find((k) => k === stored) ?? "default",
    };
  }
  if (cert !== undefined || key !== undefined) {
    throw new Error(
      `The certificate folder ${dir} holds only one of cert.pem and key.pem: add the other, or ` +
        "empty the folder to have a new pair made",
    );
  }
  const chosen = kind ?? "default";
  const material = await makeCertificate(chosen);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(keyFile, material.key, { mode: 0o600 });
  await Deno.writeTextFile(certFile, material.cert);
  if (material.ca) await Deno.writeTextFile(caPath, material.ca);
  await Deno.writeTextFile(kindFile, `${chosen}\n`);
  return { certFile, caFile: material.ca ? caPath : undefined, material, kind: chosen };
}
