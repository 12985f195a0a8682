// The TLS keys of a profile: reading and checking `ssl_cert_file`, and naming the case of a
// refused certificate with the profile line that fixes it.

import type { X509Certificate } from "node:crypto";
import { CredentialError } from "./errors.ts";
import { errorText } from "./_retry.ts";

const CERT_REGEXP = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads the PEM file of `ssl_cert_file` and checks that it holds at least one certificate, no
 * private key alone, and no certificate that has expired or is not valid yet.
 *
 * @param path The file.
 * @param where How to name the profile in messages.
 * @param now The current time (for tests).
 * @returns The PEM certificates found, one string each.
 * @throws {CredentialError} When the file is missing, unreadable, holds no certificate, holds a
 * private key instead, or a certificate in it is expired.
 */
export async function readPinnedCertificates(
  path: string,
  where: string,
  now: Date = new Date(),
): Promise<string[]> {
  const key = `the "ssl_cert_file" key of ${where}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    const why = cause instanceof Deno.errors.NotFound
      ? "the file does not exist"
      : cause instanceof Deno.errors.NotCapable || cause instanceof Deno.errors.PermissionDenied
      ? "reading it is not allowed (grant --allow-read for it)"
      : cause instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : `it cannot be read (${errorText(cause)})`;
    throw new CredentialError(
      `Cannot read "${path}" named by ${key}: ${why}. Fix the path, or save the server's ` +
        `certificate with "deno task cbapi check-tls <url> --save ${path}"`,
      { cause },
    );
  }
  const pems = text.match(CERT_REGEXP) ?? [];
  if (pems.length === 0) {
    const isKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);
    throw new CredentialError(
      isKey
        ? `"${path}" named by ${key} holds a private key, not a certificate: give the server's ` +
          `certificate (the PEM block starting with -----BEGIN CERTIFICATE-----), never its key`
        : `"${path}" named by ${key} holds no PEM certificate (no -----BEGIN CERTIFICATE----- ` +
          `block): save the server's certificate with "deno task cbapi check-tls <url> --save ${path}"`,
    );
  }
  // Loaded only when a profile pins a certificate (see _transport.ts on start-up cost).
  const crypto = await import("node:crypto");
  for (const pem of pems) {
    let cert: X509Certificate;
    try {
      cert = new crypto.X509Certificate(pem);
    } catch (cause) {
      throw new CredentialError(
        `A certificate in "${path}" named by ${key} does not parse: ${errorText(cause)}. ` +
          `Save the server's certificate again`,
        { cause },
      );
    }
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    if (to < now || from > now) {
      const state = to < now
        ? `expired on ${to.toISOString()}`
        : `is valid only from ${from.toISOString()}`;
      throw new CredentialError(
        `The certificate "${cert.subject.replace(/\n/g, ", ")}" in "${path}" named by ${key} ` +
          `${state}: a server presenting it is refused. Renew the server's certificate, then ` +
          `save it again with "deno task cbapi check-tls <url> --save ${path}"`,
      );
    }
  }
  return pems;
}

/** The cases of a refused server certificate. */
export type CertificateCase =
  | "unknown issuer"
  | "name mismatch"
  | "expired"
  | "pin mismatch"
  | "CA used as server certificate"
  | "TLS version"
  | "other";

/**
 * Names the case of a TLS failure, or undefined when the failure is not about the certificate.
 *
 * @param error What the transport threw.
 * @param pinned Whether `ssl_cert_file` pins the trust store.
 * @returns The case.
 */
export function certificateCase(error: unknown, pinned: boolean): CertificateCase | undefined {
  const text = errorText(error);
  const codes = codesOf(error);
  const has = (re: RegExp) => re.test(text) || codes.some((c) => re.test(c));
  if (has(/expired|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|not yet valid/i)) return "expired";
  if (has(/NotValidForName|ALTNAME|Hostname\/IP does not match|not valid for name/i)) {
    return "name mismatch";
  }
  if (has(/CaUsedAsEndEntity/)) return pinned ? "pin mismatch" : "CA used as server certificate";
  if (
    has(
      /UnknownIssuer|self[- ]signed|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|unable to verify|unknown ca|BadSignature|certificate signature/i,
    )
  ) {
    return pinned ? "pin mismatch" : "unknown issuer";
  }
  if (has(/protocol version|ProtocolVersion|unsupported protocol|ERR_SSL_UNSUPPORTED/i)) {
    return "TLS version";
  }
  if (has(/certificate|invalid peer|handshake|ERR_TLS|ERR_SSL/i)) return "other";
  return undefined;
}

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    e = e.cause;
  }
  return codes;
}

/**
 * What to write in the profile for a refused certificate.
 *
 * @param kind The case.
 * @param url The server URL.
 * @param certFile The pinned file, if any.
 * @returns The advice sentence.
 */
export function certificateAdvice(
  kind: CertificateCase,
  url: string,
  certFile: string | undefined,
): string {
  const save = `deno task cbapi check-tls ${url} --save server.pem`;
  switch (kind) {
    case "unknown issuer":
      return `The server's certificate was refused (unknown issuer: no trusted CA signed it). ` +
        `Check the fingerprint with "${save}", then add "ssl_cert_file = server.pem" to the profile`;
    case "CA used as server certificate":
      return `The server's certificate was refused (CA used as server certificate: a self-signed ` +
        `CA:TRUE certificate such as the one a Cb Response server makes at install time). Check ` +
        `it with "${save}", then add "ssl_cert_file = server.pem" to the profile`;
    case "name mismatch":
      return `The server's certificate was refused (name mismatch: it does not name the host of ` +
        `${url}). Use a URL with a name the certificate holds, or add ` +
        `"ssl_verify_hostname = False" to the profile${
          certFile ? "" : ` together with "ssl_cert_file = server.pem" (see "${save}")`
        }`;
    case "expired":
      return `The server's certificate was refused (expired or not yet valid). Renew the ` +
        `server's certificate; "ssl_verify = False" in the profile connects without any check`;
    case "pin mismatch":
      return `The server's certificate was refused (pin mismatch: it is not the certificate, nor ` +
        `signed by the CA, in ssl_cert_file = ${certFile}). If the server's certificate changed ` +
        `on purpose, check it with "${save}" and point ssl_cert_file at the new file`;
    case "TLS version":
      return `The TLS handshake failed on the protocol version: the server may only speak TLS ` +
        `below 1.2, which this library never offers (with or without "ssl_force_tls_1_2"). ` +
        `Enable TLS 1.2 or 1.3 on the server`;
    case "other":
      return `The TLS handshake with the server failed. Inspect the server's certificate with ` +
        `"${save}"`;
  }
}
