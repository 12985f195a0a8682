/**
 * Self-signed certificates for the emulator's HTTPS mode, made with npm `selfsigned`.
 *
 * @module
 */
import { generate } from "selfsigned";

/** A PEM certificate and its private key. */
export interface TlsMaterial {
  /** Certificate, PEM text. */
  cert: string;
  /** Private key, PEM text. */
  key: string;
}

/**
 * Makes a fresh self-signed certificate for `127.0.0.1` (IP SAN) and `localhost` (DNS SAN).
 * Nothing is written to disk here.
 */
export async function makeCertificate(): Promise<TlsMaterial> {
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 7 * 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
