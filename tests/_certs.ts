// Server certificates of the TLS matrix, made the way real servers get theirs: openssl's defaults
// (`req -x509` adds basicConstraints CA:TRUE), a Cb Response install-time style certificate
// (CN=localhost, CA:TRUE, no subjectAltName), a leaf signed by a private CA, an expired one (made
// with npm selfsigned, since openssl 3.0 cannot back-date), and a small HTTPS server that records
// which requests, and which X-Auth-Token, crossed the handshake.

import { generate } from "selfsigned";

/** A certificate, its key and where they are on disk. */
export interface CertFiles {
  /** The certificate's PEM file (what a profile pins). */
  certFile: string;
  /** Certificate PEM. */
  cert: string;
  /** Private key PEM. */
  key: string;
  /** The PEM file a profile pins for this server (the CA for a CA-signed leaf). */
  pinFile: string;
}

/** Every certificate of the matrix, in one temporary folder. */
export interface CertSet extends AsyncDisposable {
  /** A leaf (CA:FALSE, SAN IP:127.0.0.1) signed by a private CA; its pin is the CA. */
  caSigned: CertFiles;
  /** openssl `req -x509` defaults: self-signed, CA:TRUE, SAN IP:127.0.0.1. */
  selfSigned: CertFiles;
  /** Install-time style: self-signed, CN=localhost, CA:TRUE, no subjectAltName. */
  installTime: CertFiles;
  /** Self-signed, CA:TRUE, SAN IP:127.0.0.1, expired yesterday. */
  expired: CertFiles;
  /** Another openssl-default certificate for 127.0.0.1 (the one pinned when the server shows `selfSigned`). */
  other: CertFiles;
  /** The folder. */
  dir: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

async function selfSignedOpenssl(dir: string, name: string, subj: string, san?: string) {
  const args = ["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.pem`];
  args.push("-subj", subj, "-days", "2");
  if (san) args.push("-addext", `subjectAltName=${san}`);
  await openssl(args, dir);
  return await files(dir, name, `${dir}/${name}.pem`);
}

async function files(dir: string, name: string, pinFile: string): Promise<CertFiles> {
  return {
    certFile: `${dir}/${name}.pem`,
    cert: await Deno.readTextFile(`${dir}/${name}.pem`),
    key: await Deno.readTextFile(`${dir}/${name}.key`),
    pinFile,
  };
}

/**
 * Makes every certificate of the matrix.
 *
 * @returns The set; dispose it to remove the folder.
 */
export async function makeCertSet(): Promise<CertSet> {
  const dir = await Deno.makeTempDir({ prefix: "cbapi-certs-" });
  await openssl(
    ["req", "-x509", ...EC, "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=Test Private CA"],
    dir,
  );
  await openssl(
    ["req", "-new", ...EC, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=cbserver"],
    dir,
  );
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
    "-out",
    "leaf.pem",
  ], dir);
  const now = Date.now();
  const expired = await generate([{ name: "commonName", value: "expired.example" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 3 * 86_400_000),
    notAfterDate: new Date(now - 86_400_000),
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  await Deno.writeTextFile(`${dir}/expired.pem`, expired.cert);
  await Deno.writeTextFile(`${dir}/expired.key`, expired.private);
  const set: CertSet = {
    dir,
    caSigned: await files(dir, "leaf", `${dir}/ca.pem`),
    selfSigned: await selfSignedOpenssl(dir, "self", "/CN=127.0.0.1", "IP:127.0.0.1"),
    installTime: await selfSignedOpenssl(dir, "install", "/CN=localhost"),
    expired: await files(dir, "expired", `${dir}/expired.pem`),
    other: await selfSignedOpenssl(dir, "other", "/CN=127.0.0.1", "IP:127.0.0.1"),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
  return set;
}

/** What the recording server saw. */
export interface SeenRequest {
  /** Method and path. */
  line: string;
  /** The X-Auth-Token header, or null. */
  token: string | null;
}

/** A loopback HTTPS server answering `/api/info` and recording every request. */
export interface RecordingServer extends AsyncDisposable {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** Requests that crossed the handshake. */
  seen: SeenRequest[];
}

/**
 * Starts a recording HTTPS server with a certificate of the set.
 *
 * @param cert The certificate and key to present.
 * @returns The server; dispose it to stop.
 */
export function recordingServer(cert: { cert: string; key: string }): RecordingServer {
  const seen: SeenRequest[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: cert.cert,
    key: cert.key,
    onListen() {},
    // A refused handshake is the expected outcome of half the cells.
    onError: () => new Response("error", { status: 500 }),
  }, (req) => {
    const url = new URL(req.url);
    seen.push({ line: `${req.method} ${url.pathname}`, token: req.headers.get("x-auth-token") });
    return Response.json({ version: "6.2.0", cbVersion: "6.2.0" });
  });
  return {
    url: `https://127.0.0.1:${server.addr.port}`,
    seen,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
