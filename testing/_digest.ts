/**
 * HTTP Digest authentication (RFC 2617, MD5, qop=auth) for `GET /api/auth`.
 *
 * @module
 */
import { hashHex } from "./_rand.ts";

/** Verifies Digest credentials and issues challenges. */
export class DigestAuth {
  #realm: string;
  #users: Map<string, string>;
  #nonces = new Set<string>();
  #counter = 0;
  #secret: string;

  /** Creates a verifier for `users` (name -> password). */
  constructor(realm: string, users: Record<string, string>, secret: string) {
    this.#realm = realm;
    this.#users = new Map(Object.entries(users));
    this.#secret = secret;
  }

  /** A fresh `WWW-Authenticate` header value. */
  challenge(): string {
    const nonce = hashHex("md5", `${this.#secret}:${++this.#counter}`);
    this.#nonces.add(nonce);
    const opaque = hashHex("md5", `${this.#secret}:opaque`);
    return `Digest realm="${this.#realm}", qop="auth", nonce="${nonce}", opaque="${opaque}", algorithm=MD5`;
  }

  /** Whether `authorization` holds valid credentials for `method`. */
  verify(method: string, authorization: string | undefined): boolean {
    if (!authorization?.toLowerCase().startsWith("digest ")) return false;
    const p = parseParams(authorization.slice(7));
    const password = this.#users.get(p.username ?? "");
    if (password === undefined || !p.nonce || !this.#nonces.has(p.nonce) || !p.uri) return false;
    if (p.realm !== this.#realm) return false;
    const ha1 = hashHex("md5", `${p.username}:${this.#realm}:${password}`);
    const ha2 = hashHex("md5", `${method}:${p.uri}`);
    const expected = p.qop
      ? hashHex("md5", `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`)
      : hashHex("md5", `${ha1}:${p.nonce}:${ha2}`);
    return expected === p.response;
  }
}

function parseParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of text.matchAll(re)) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? "";
  return out;
}
