/**
 * Building the frozen, redacting {@linkcode Credentials} object from merged profile entries.
 *
 * @module
 */

import { CredentialError } from "./errors.ts";
import type { Entry } from "./_credential_files.ts";
import type { CredentialOptions, Credentials, Product } from "./credentials.ts";
import { hasUserInfo, redactUrl } from "./_secrets.ts";

type InspectFn = (value: unknown, options?: unknown) => string;

const TRUE_VALUES: readonly string[] = ["1", "yes", "true", "on"];
const FALSE_VALUES: readonly string[] = ["0", "no", "false", "off"];
const REDACTED = "[redacted]";
// What an HTTP header value may hold here: visible ASCII and inner spaces (no CR, LF, NUL, tab).
const HEADER_SAFE_REGEXP = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
export function buildCredentials(
  product: Product,
  found: { profile: string; source: string; entries: Map<string, Entry>; files: string[] },
  options: CredentialOptions,
): Credentials {
  const { profile, source, entries, files } = found;
  const text = (key: string) => entries.get(key)?.value;
  const optional = (key: string) => text(key) || undefined;
  const where = `for profile "${profile}" in ${source}`;
  const fix = (key: string, variable: string) =>
    source === "options"
      ? `pass a non-empty "${key}" option`
      : `add "${key} = ..." to the profile or set ${variable}`;

  const url = text("url");
  if (!url) {
    throw new CredentialError(
      `No URL specified ${where}: ${fix("url", "CBAPI_URL")}`,
      { files },
    );
  }
  const token = text("token");
  if (!token) {
    throw new CredentialError(
      `No API token specified ${where}: ${fix("token", "CBAPI_TOKEN")}`,
      { files },
    );
  }
  checkToken(token, where, files);
  checkUrl(url, where, files);
  const proxy = options.proxy ?? optional("proxy");
  if (proxy !== undefined) checkProxy(proxy, where, files);
  if (product === "defense" && !token.includes("/")) {
    throw new CredentialError(
      `The API token ${where} is not in the form {API key}/{connector ID} that Cb Defense ` +
        `needs: run "deno task cbapi configure defense" or fix the token`,
      { files },
    );
  }
  return freeze({
    url,
    token,
    sslVerify: options.sslVerify ?? toBoolean(entries, "ssl_verify", true, files),
    sslVerifyHostname: toBoolean(entries, "ssl_verify_hostname", true, files),
    sslCertFile: options.sslCertFile ?? optional("ssl_cert_file"),
    sslForceTls12: toBoolean(entries, "ssl_force_tls_1_2", false, files),
    proxy,
    ignoreSystemProxy: toBoolean(entries, "ignore_system_proxy", false, files),
    rabbitmqUser: text("rabbitmq_user") ?? "cb",
    rabbitmqPass: optional("rabbitmq_pass"),
    rabbitmqHost: text("rabbitmq_host") ?? "localhost",
    rabbitmqPort: toPort(entries, files),
    profile,
    source,
  });
}

/**
 * Refuses a token that cannot travel in the `X-Auth-Token` header (a CR, LF or NUL, an INI
 * continuation line, a non-ASCII character, spaces around it); the message never holds it.
 */
function checkToken(token: string, where: string, files: readonly string[]): void {
  if (HEADER_SAFE_REGEXP.test(token)) return;
  const bad = [...token].findIndex((c, i) =>
    !/[\x20-\x7e]/.test(c) || (c === " " && (i === 0 || i === token.length - 1))
  );
  throw new CredentialError(
    `The API token ${where} cannot be sent in an HTTP header: character ${bad + 1} of ` +
      `${token.length} is a line break, control, non-ASCII or surrounding space character ` +
      `(an indented next line in an INI file continues the value). Put the token on one line ` +
      `with nothing else, or run the configure command again`,
    { files },
  );
}

/** Refuses a server URL with user information, showing it redacted. */
function checkUrl(url: string, where: string, files: readonly string[]): void {
  if (!hasUserInfo(url)) return;
  throw new CredentialError(
    `The server URL ${where} ("${redactUrl(url)}") contains a user name or password: remove ` +
      `the "user:password@" part; the API token is the only credential sent`,
    { files },
  );
}

/** Parses a proxy URL, so that a malformed one is a typed error that shows it redacted. */
function checkProxy(proxy: string, where: string, files: readonly string[]): void {
  let why: string | undefined;
  try {
    const url = new URL(proxy);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    if (!url.hostname) why = "it names no host";
    else if (url.protocol === "file:" || url.protocol === "data:") why = "it is not a network URL";
  } catch {
    why = "it is not a URL (a password with special characters must be percent-encoded)";
  }
  if (why === undefined) return;
  throw new CredentialError(
    `Cannot use the proxy ${where} ("${redactUrl(proxy)}"): ${why}. Give one such as ` +
      `http://user:password@proxy.example:3128`,
    { files },
  );
}

function describe(key: string, entry: Entry): string {
  if (entry.file === "environment") return `"${key}" (environment variable ${entry.section})`;
  const section = entry.section === "DEFAULT" ? "[DEFAULT]" : `profile "${entry.section}"`;
  return `"${key}" of ${section} in ${entry.file}`;
}

function toBoolean(
  entries: Map<string, Entry>,
  key: string,
  fallback: boolean,
  files: readonly string[],
): boolean {
  const entry = entries.get(key);
  if (entry === undefined) return fallback;
  const value = entry.value.toLowerCase();
  if (value === "" || FALSE_VALUES.includes(value)) return false;
  if (TRUE_VALUES.includes(value)) return true;
  throw new CredentialError(
    `Cannot use value "${entry.value}" of ${describe(key, entry)}: use one of ` +
      `${[...TRUE_VALUES, ...FALSE_VALUES].join(", ")} (empty means false)`,
    { files },
  );
}

function toPort(entries: Map<string, Entry>, files: readonly string[]): number {
  const entry = entries.get("rabbitmq_port");
  if (entry === undefined) return 5004;
  const port = /^\d{1,5}$/.test(entry.value) ? Number(entry.value) : NaN;
  if (port >= 1 && port <= 65535) return port;
  throw new CredentialError(
    `Cannot use value "${entry.value}" of ${describe("rabbitmq_port", entry)}: ` +
      `use an integer from 1 to 65535`,
    { files },
  );
}

function redact(credentials: Credentials): Record<string, unknown> {
  return {
    ...credentials,
    token: REDACTED,
    rabbitmqPass: credentials.rabbitmqPass === undefined ? undefined : REDACTED,
    proxy: credentials.proxy === undefined ? undefined : redactUrl(credentials.proxy),
  };
}

function freeze(values: Credentials): Credentials {
  const credentials = { ...values };
  const inspect = {
    value(this: Credentials, inspect: InspectFn, options?: unknown): string {
      return `Credentials ${inspect(redact(this), options)}`;
    },
  };
  Object.defineProperties(credentials, {
    toJSON: {
      value(this: Credentials): Record<string, unknown> {
        return redact(this);
      },
    },
    [Symbol.for("Deno.customInspect")]: inspect,
    [Symbol.for("nodejs.util.inspect.custom")]: {
      value(this: Credentials, _depth: number, options: unknown, inspect?: InspectFn): string {
        const shown = redact(this);
        return `Credentials ${inspect ? inspect(shown, options) : JSON.stringify(shown)}`;
      },
    },
  });
  return Object.freeze(credentials);
}
