/**
 * Credential profiles: the INI files `cbapi` 1.3.6 reads, the `CBAPI_*` environment variables
 * and explicit options, merged into one frozen {@linkcode Credentials} object.
 *
 * This is the only module of the library that reads files or environment variables for
 * credentials, and it does so only when {@linkcode loadCredentials} is called.
 *
 * @example Load a profile from a given file
 * ```ts
 * import { loadCredentials } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const file = `${dir}/credentials.response`;
 *   await Deno.writeTextFile(file, "[default]\nurl = https://cb.example\ntoken = abc\n", { mode: 0o600 });
 *   const creds = await loadCredentials("response", { credentialFile: file, env: {} });
 *   assert.equal(creds.url, "https://cb.example");
 *   assert.equal(creds.sslVerify, true);
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */

import { CredentialError } from "./errors.ts";
import {
  assertProduct,
  type Entry,
  mergeProfile,
  readEnv,
  readFiles,
  searchPath,
} from "./_credential_files.ts";
import { buildCredentials } from "./_credential_values.ts";
import { assertExplicitFilesExist, profileHint } from "./_credential_hint.ts";

/** The product a credential file belongs to; it is the file name's suffix. */
export type Product = "response" | "protection" | "defense";

/**
 * The settings of one credential profile. Objects returned by {@linkcode loadCredentials} are
 * frozen, and their `toJSON()` and `Deno.inspect` forms show `token`, `rabbitmqPass` and a proxy
 * password as `"[redacted]"`.
 */
export interface Credentials {
  /** Server base URL (`url`). */
  readonly url: string;
  /** API token sent as `X-Auth-Token` (`token`); for Cb Defense `{API key}/{connector ID}`. */
  readonly token: string;
  /** Verify the server certificate chain (`ssl_verify`). */
  readonly sslVerify: boolean;
  /** Check that the certificate names the host (`ssl_verify_hostname`). */
  readonly sslVerifyHostname: boolean;
  /**
   * PEM file pinned as the only trusted server certificate or private CA (`ssl_cert_file`): no
   * other certificate is trusted, not even the system's.
   */
  readonly sslCertFile: string | undefined;
  /** Refuse anything below TLS 1.2 (`ssl_force_tls_1_2`). */
  readonly sslForceTls12: boolean;
  /** Proxy URL for every request (`proxy`). */
  readonly proxy: string | undefined;
  /**
   * Ignore the environment's `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` (`ignore_system_proxy`); the
   * `proxy` key still applies, as in the Python library.
   */
  readonly ignoreSystemProxy: boolean;
  /** Event API user (`rabbitmq_user`). */
  readonly rabbitmqUser: string;
  /** Event API password (`rabbitmq_pass`). */
  readonly rabbitmqPass: string | undefined;
  /** Event API host (`rabbitmq_host`). */
  readonly rabbitmqHost: string;
  /** Event API port (`rabbitmq_port`). */
  readonly rabbitmqPort: number;
  /** The profile name that was asked for. */
  readonly profile: string;
  /** Where the values came from: file paths, `"environment"` and/or `"options"`, comma-separated. */
  readonly source: string;
}

/** Options of {@linkcode loadCredentials}. */
export interface CredentialOptions {
  /**
   * Profile (INI section) to use.
   *
   * @default {env.CBAPI_PROFILE ?? "default"}
   */
  profile?: string;
  /**
   * One credential file or a list of them, read in order; replaces the search path.
   *
   * @default {credentialSearchPath(product)}
   */
  credentialFile?: string | string[];
  /**
   * Server URL. Give it together with `token`: then no file value is used (the files are still
   * read and must parse).
   *
   * @default {undefined}
   */
  url?: string;
  /**
   * API token; give it together with `url`.
   *
   * @default {undefined}
   */
  token?: string;
  /**
   * Overrides `ssl_verify`.
   *
   * @default {undefined}
   */
  sslVerify?: boolean;
  /**
   * Overrides `ssl_cert_file`.
   *
   * @default {undefined}
   */
  sslCertFile?: string;
  /**
   * Overrides `proxy`.
   *
   * @default {undefined}
   */
  proxy?: string;
  /**
   * The environment: `CBAPI_URL`, `CBAPI_TOKEN`, `CBAPI_PROFILE` and `HOME` (`USERPROFILE` on
   * Windows) are looked up in it, and, by `Connection.open`, the proxy variables `HTTP_PROXY`,
   * `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case).
   *
   * @default {those variables read from Deno.env}
   */
  env?: Record<string, string | undefined>;
  /**
   * Directory whose `.carbonblack` folder is the last entry of the search path.
   *
   * @default {"."}
   */
  cwd?: string;
  /**
   * Receives warnings, such as a credential file other users can read.
   *
   * @default {console.warn}
   */
  warn?: (message: string) => void;
}

/** Options of {@linkcode credentialSearchPath}. */
export interface CredentialSearchPathOptions {
  /**
   * Home directory.
   *
   * @default {the HOME (or USERPROFILE) environment variable}
   */
  home?: string;
  /**
   * Working directory.
   *
   * @default {"."}
   */
  cwd?: string;
}

/**
 * Lists the credential files read for a product, in reading order (a later file wins per key):
 * `/etc/carbonblack/credentials.{product}`, `{home}/.carbonblack/credentials.{product}` and
 * `{cwd}/.carbonblack/credentials.{product}`. The home entry is left out when no home directory
 * is known.
 *
 * @param product The product whose files to list.
 * @param options Home and working directories.
 * @returns The paths, whether or not they exist.
 * @throws {CredentialError} The product is not `response`, `protection` or `defense`.
 *
 * @example List the Cb Response files
 * ```ts
 * import { credentialSearchPath } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(credentialSearchPath("response", { home: "/home/me", cwd: "/srv" }), [
 *   "/etc/carbonblack/credentials.response",
 *   "/home/me/.carbonblack/credentials.response",
 *   "/srv/.carbonblack/credentials.response",
 * ]);
 * ```
 */
export function credentialSearchPath(
  product: Product,
  options: CredentialSearchPathOptions = {},
): string[] {
  let home = options.home;
  if (home === undefined) {
    try {
      home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
    } catch {
      home = undefined;
    }
  }
  return searchPath(product, home, options.cwd ?? ".");
}

/**
 * Loads the credentials of one profile.
 *
 * Every existing file of the search path (or of `credentialFile`) is read in order; missing files
 * are skipped. Values merge per key: a later file wins, and `[DEFAULT]` values apply under the
 * profile's. Then `CBAPI_URL` and `CBAPI_TOKEN` from the environment override the files' `url`
 * and `token` (an addition to cbapi 1.3.6), and explicit `url` + `token` options replace all file
 * values. The `sslVerify`, `sslCertFile` and `proxy` options override their keys whenever given.
 *
 * Booleans accept `1 yes true on` and `0 no false off` in any case, and an empty value as false;
 * any other value is an error (cbapi 1.3.6 kept it as a truthy string). A credential file that
 * group or other users can read produces a warning on POSIX systems.
 *
 * @param product The product, which picks the file names.
 * @param options Profile, files, environment and overrides.
 * @returns The frozen credentials.
 * @throws {CredentialError} The profile is not found, `url` or `token` is missing, a value is
 * malformed, a file cannot be read or parsed, or the product is unknown.
 * @throws {TypeError} Only one of the `url` and `token` options is given.
 *
 * @example Use explicit values
 * ```ts
 * import { loadCredentials } from "@cbapi/cbapi/core";
 * import assert from "node:assert/strict";
 *
 * const creds = await loadCredentials("defense", {
 *   url: "https://defense.example",
 *   token: "APIKEY/CONNECTORID",
 *   credentialFile: [],
 *   env: {},
 * });
 * assert.equal(creds.source, "options");
 * assert.equal(JSON.stringify(creds).includes("APIKEY"), false);
 * ```
 */
export async function loadCredentials(
  product: Product,
  options: CredentialOptions = {},
): Promise<Credentials> {
  assertProduct(product);
  if ((options.url === undefined) !== (options.token === undefined)) {
    throw new TypeError(
      `Cannot use the "${options.url === undefined ? "token" : "url"}" option alone: ` +
        `pass both "url" and "token" or neither`,
    );
  }
  const env = options.env ?? readEnv();
  const profile = options.profile ?? (env.CBAPI_PROFILE || "default");
  const files = options.credentialFile === undefined
    ? searchPath(product, env.HOME || env.USERPROFILE, options.cwd ?? ".")
    : [options.credentialFile].flat();
  const docs = await readFiles(files, options.warn ?? defaultWarn);
  const explicitOnly = options.url === undefined && options.credentialFile !== undefined;
  if (explicitOnly && !(env.CBAPI_URL && env.CBAPI_TOKEN)) assertExplicitFilesExist(files, docs);

  let entries: Map<string, Entry>;
  let origins: string[];
  if (options.url !== undefined && options.token !== undefined) {
    entries = new Map([
      ["url", { value: options.url, file: "options", section: "" }],
      ["token", { value: options.token, file: "options", section: "" }],
    ]);
    origins = ["options"];
  } else {
    const merged = mergeProfile(docs, profile);
    entries = merged.entries;
    origins = merged.files;
    const envUrl = env.CBAPI_URL || undefined;
    const envToken = env.CBAPI_TOKEN || undefined;
    if (!merged.found && (envUrl === undefined || envToken === undefined)) {
      throw new CredentialError(
        `Cannot find credential profile "${profile}" after searching in these files: ` +
          `${files.join(", ")} (${profileHint(profile, files, docs)}). ` +
          `Create one with "deno task cbapi configure ${product}" ` +
          `or pass url and token`,
        { files },
      );
    }
    if (envUrl) entries.set("url", { value: envUrl, file: "environment", section: "CBAPI_URL" });
    if (envToken) {
      entries.set("token", { value: envToken, file: "environment", section: "CBAPI_TOKEN" });
    }
    if (envUrl || envToken) origins.push("environment");
  }
  const source = origins.join(", ");
  return buildCredentials(product, { profile, source, entries, files }, options);
}

function defaultWarn(message: string): void {
  // deno-lint-ignore no-console
  console.warn(message);
}
