/**
 * Building the frozen, redacting {@linkcode Credentials} object from merged profile entries.
 *
 * @module
 */

import { CredentialError } from "./errors.ts";
import type { Entry } from "./_credential_files.ts";
import type { CredentialOptions, Credentials, Product } from "./credentials.ts";

type InspectFn = (value: unknown, options?: unknown) => string;

const TRUE_VALUES: readonly string[] = ["1", "yes", "true", "on"];
const FALSE_VALUES: readonly string[] = ["0", "no", "false", "off"];
const REDACTED = "[redacted]";
const PROXY_PASSWORD_REGEXP = /^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i;
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
      files,
    );
  }
  const token = text("token");
  if (!token) {
    throw new CredentialError(
      `No API token specified ${where}: ${fix("token", "CBAPI_TOKEN")}`,
      files,
    );
  }
  if (product === "defense" && !token.includes("/")) {
    throw new CredentialError(
      `The API token ${where} is not in the form {API key}/{connector ID} that Cb Defense ` +
        `needs: run "deno task cbapi configure defense" or fix the token`,
      files,
    );
  }
  return freeze({
    url,
    token,
    sslVerify: options.sslVerify ?? toBoolean(entries, "ssl_verify", true, files),
    sslVerifyHostname: toBoolean(entries, "ssl_verify_hostname", true, files),
    sslCertFile: options.sslCertFile ?? optional("ssl_cert_file"),
    sslForceTls12: toBoolean(entries, "ssl_force_tls_1_2", false, files),
    proxy: options.proxy ?? optional("proxy"),
    ignoreSystemProxy: toBoolean(entries, "ignore_system_proxy", false, files),
    rabbitmqUser: text("rabbitmq_user") ?? "cb",
    rabbitmqPass: optional("rabbitmq_pass"),
    rabbitmqHost: text("rabbitmq_host") ?? "localhost",
    rabbitmqPort: toPort(entries, files),
    profile,
    source,
  });
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
    files,
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
    files,
  );
}

function redact(credentials: Credentials): Record<string, unknown> {
  return {
    ...credentials,
    token: REDACTED,
    rabbitmqPass: credentials.rabbitmqPass === undefined ? undefined : REDACTED,
    proxy: credentials.proxy?.replace(PROXY_PASSWORD_REGEXP, `$1:${REDACTED}@`),
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
