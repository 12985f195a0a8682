// Proxy settings of a profile, the way Python requests applies them: the `proxy` key wins; without
// it the environment's HTTP_PROXY / HTTPS_PROXY / ALL_PROXY (lower case first) apply unless
// `ignore_system_proxy` is set, and NO_PROXY lists hosts reached directly.

import { CredentialError } from "./errors.ts";
import type { TransportProxy } from "./_transport_node.ts";

/** The proxy variables read from the environment. */
export const PROXY_ENV_NAMES: readonly string[] = [
  "http_proxy",
  "HTTP_PROXY",
  "https_proxy",
  "HTTPS_PROXY",
  "all_proxy",
  "ALL_PROXY",
  "no_proxy",
  "NO_PROXY",
];

/** A proxy decision: where it comes from, and the parsed proxy (credentials kept apart). */
export interface ResolvedProxy {
  /** The proxy, or undefined for a direct connection. */
  proxy: ParsedProxy | undefined;
  /** Whether the environment names a proxy that this decision does not use. */
  envProxyIgnored: boolean;
}

/** A parsed proxy URL. */
export interface ParsedProxy extends TransportProxy {
  /** `http://host:port` without credentials. */
  origin: string;
  /** User name, decoded. */
  username?: string;
  /** Password, decoded. */
  password?: string;
  /** Where the URL came from: `the "proxy" key of ...` or `environment variable X`. */
  where: string;
}

/**
 * A proxy URL with its password replaced by `[redacted]`, for messages. Works on text that does
 * not parse as a URL too: everything between `scheme://user:` and the last `@` is hidden.
 *
 * @param raw The proxy URL as configured.
 * @returns The redacted text.
 */
export function redactProxyUrl(raw: string): string {
  const at = raw.lastIndexOf("@");
  if (at < 0) return raw;
  const scheme = raw.match(/^[a-z][a-z0-9+.-]*:\/\//i)?.[0] ?? "";
  const userinfo = raw.slice(scheme.length, at);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  return `${scheme}${user}:[redacted]${raw.slice(at)}`;
}

/**
 * Parses a proxy URL (`http://[user[:password]@]host[:port]`; a bare `host:port` means http).
 * A password may hold `@` or `:` either percent-encoded or as they are (the last `@` ends it).
 *
 * @param raw The configured value.
 * @param where What named it, for the message.
 * @returns The parsed proxy.
 * @throws {CredentialError} When the value is not a usable HTTP proxy URL (password redacted).
 */
export function parseProxyUrl(raw: string, where: string): ParsedProxy {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  const fail = (why: string): never => {
    throw new CredentialError(
      `Cannot use ${where} "${redactProxyUrl(text)}": ${why}. Write it as ` +
        `proxy = http://[user:password@]host:port (percent-encode a password only if your ` +
        `proxy software needs it)`,
    );
  };
  const scheme = withScheme.slice(0, withScheme.indexOf(":")).toLowerCase();
  if (scheme !== "http") {
    fail(
      scheme === "https"
        ? "a TLS connection to the proxy itself is not supported, use its http:// address"
        : `the scheme "${scheme}" is not supported, only HTTP proxies are`,
    );
  }
  const rest = withScheme.slice(withScheme.indexOf("://") + 3);
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const at = authority.lastIndexOf("@");
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  let url: URL;
  try {
    url = new URL(`http://${hostPort}`);
  } catch {
    return fail("the host and port do not parse");
  }
  if (!url.hostname) fail("it names no host");
  if (url.username || url.password) fail("the host part holds a user name");
  const proxy: ParsedProxy = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port || 80),
    origin: `http://${url.host}`,
    where,
  };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    proxy.username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
    proxy.password = colon < 0 ? "" : decode(userinfo.slice(colon + 1));
    const pair = new TextEncoder().encode(`${proxy.username}:${proxy.password}`);
    proxy.authorization = `Basic ${pair.toBase64()}`;
  }
  return proxy;
}

function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/**
 * Whether NO_PROXY (requests rules) sends this host directly: `*`, a host or domain suffix (with
 * or without a leading dot), an IP address or CIDR range, optionally with `:port`.
 *
 * @param noProxy The NO_PROXY value.
 * @param target The request URL.
 * @returns True when the host bypasses the proxy.
 */
export function bypassesProxy(noProxy: string | undefined, target: URL): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(",")) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    const portMatch = entry.match(/^(.*):(\d+)$/);
    if (portMatch && !entry.includes("::")) {
      if (portMatch[2] !== port) continue;
      entry = portMatch[1]!;
    }
    if (entry.includes("/") && ipInCidr(host, entry)) return true;
    entry = entry.replace(/^\./, "");
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

function ipv4(text: string): number | undefined {
  const m = text.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function ipInCidr(host: string, cidr: string): boolean {
  const [net, bits] = cidr.split("/");
  const a = ipv4(host);
  const b = ipv4(net ?? "");
  const n = Number(bits);
  if (a === undefined || b === undefined || !(n >= 0 && n <= 32)) return false;
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/**
 * Decides the proxy of a connection to `baseUrl`.
 *
 * @param baseUrl The server base URL.
 * @param setting The profile's `proxy` value.
 * @param ignoreSystemProxy The profile's `ignore_system_proxy`.
 * @param env The proxy variables of the environment.
 * @param profileWhere How to name the profile in messages.
 * @returns The decision.
 * @throws {CredentialError} When the chosen proxy URL does not parse.
 */
export function resolveProxy(
  baseUrl: string,
  setting: string | undefined,
  ignoreSystemProxy: boolean,
  env: Record<string, string | undefined>,
  profileWhere: string,
): ResolvedProxy {
  const target = new URL(baseUrl);
  const scheme = target.protocol === "https:" ? "https_proxy" : "http_proxy";
  const envName = envValue(env, scheme) ? scheme : envValue(env, "all_proxy") ? "all_proxy" : "";
  const envProxy = envName ? envValue(env, envName) : undefined;
  if (setting) {
    return {
      proxy: parseProxyUrl(setting, `the "proxy" key of ${profileWhere}`),
      envProxyIgnored: envProxy !== undefined,
    };
  }
  if (!envProxy) return { proxy: undefined, envProxyIgnored: false };
  if (ignoreSystemProxy || bypassesProxy(envValue(env, "no_proxy"), target)) {
    return { proxy: undefined, envProxyIgnored: true };
  }
  return {
    proxy: parseProxyUrl(
      envProxy,
      `the environment variable ${envName.toUpperCase()} (set ignore_system_proxy = True in ` +
        `${profileWhere} to ignore it)`,
    ),
    envProxyIgnored: false,
  };
}

/** The proxy answered CONNECT with something else than 200. */
export class ProxyRefusedError extends Error {
  /** The proxy's status. */
  readonly status: number;

  /**
   * @param status The proxy's status.
   * @param reason The proxy's reason phrase.
   */
  constructor(status: number, reason: string) {
    super(`the proxy refused CONNECT with status ${status} ${reason}`.trim());
    this.name = "ProxyRefusedError";
    this.status = status;
  }
}
