/**
 * Option and record types of {@linkcode CbEmulator}.
 *
 * @module
 */
// deno-lint-ignore no-unused-vars
import type { CbEmulator } from "./emulator.ts";
import type { ProtectionEmulatorOptions } from "./protection/_register.ts";
import type { DefenseEmulatorOptions } from "./defense/_register.ts";
import type { LiveResponseEmulatorOptions } from "./live_response/_register.ts";

/**
 * Which certificate the emulator presents over HTTPS (every kind has an EC P-256 key; a new key is
 * made on every start unless {@linkcode EmulatorOptions.certDir} keeps one):
 *
 * - `"default"`: self-signed, `CN=localhost`, `CA:FALSE`, SANs `IP:127.0.0.1` and
 *   `DNS:localhost`, server-auth key usage. `fetch` with `Deno.createHttpClient({ caCerts })`
 *   accepts it when pinned.
 * - `"install-time"`: like the certificate a Cb Response server generates at install time:
 *   self-signed, `CN=localhost`, basic constraints `CA:TRUE`, no subjectAltName (the name matches
 *   neither `127.0.0.1` nor the server's host name).
 * - `"openssl-default"`: like `openssl req -x509 -subj /CN=127.0.0.1 -addext
 *   subjectAltName=IP:127.0.0.1`: self-signed, critical `CA:TRUE`, SAN `IP:127.0.0.1`.
 * - `"expired"`: like `"default"`, valid from 30 days ago until yesterday.
 * - `"ca-signed"`: a leaf like `"default"` signed by a separate test CA (`CN=cbemu test CA`);
 *   trust {@linkcode CbEmulator.caFile} to verify it.
 */
export type EmulatorCertificate =
  | "default"
  | "install-time"
  | "openssl-default"
  | "expired"
  | "ca-signed";

/** Options of {@linkcode CbEmulator.start}. */
export interface EmulatorOptions {
  /**
   * Seed of the data set and token: the same seed gives the same data and token.
   *
   * @default {1}
   */
  seed?: number;
  /**
   * Serve HTTPS with a fresh self-signed certificate (see {@linkcode CbEmulator.certFile}).
   *
   * @default {false}
   */
  tls?: boolean;
  /**
   * Which certificate to present (see {@linkcode EmulatorCertificate}); giving it turns on HTTPS.
   * With {@linkcode EmulatorOptions.certDir} holding a certificate already, leave it out (or give
   * the stored kind).
   *
   * @default {"default"}
   */
  certificate?: EmulatorCertificate;
  /**
   * Folder keeping the certificate across restarts, so that a profile pinning it stays valid:
   * `cert.pem`, `key.pem` (mode 0600), `ca.pem` (`"ca-signed"` only) and `kind` are made on the
   * first start and reused afterwards (and not deleted on close). Giving it turns on HTTPS. A
   * `cert.pem` + `key.pem` pair of your own works too.
   *
   * @default {undefined} a fresh certificate in a temporary folder removed on close
   */
  certDir?: string;
  /**
   * Port on 127.0.0.1 (0 = ephemeral).
   *
   * @default {0}
   */
  port?: number;
  /**
   * Extra generated processes (with events), binaries and sensors: N of each.
   *
   * @default {0}
   */
  scale?: number;
  /**
   * API token (X-Auth-Token) for Response and Protection routes.
   *
   * @default {undefined} 40 lower-case hex digits derived from the seed
   */
  token?: string;
  /**
   * The `version` `GET /api/info` reports; it decides which event API version clients use.
   *
   * @default {"6.2.0.171114.1158"}
   */
  serverVersion?: string;
  /**
   * Cb Response 6.1 quirk: a filtered `GET /api/v1/sensor?...` that matches nothing answers 500.
   *
   * @default {false}
   */
  sensorQuery500OnEmpty?: boolean;
  /**
   * Time after a sensor PUT changes `network_isolation_enabled` before `is_isolating` follows.
   *
   * @default {30}
   */
  isolationDelayMs?: number;
  /**
   * The server's clock at start (a `Date`, an ISO time or ms since the epoch). The clock then
   * runs in real time; the hunting processes (remote admin tools, scripting hosts, file
   * transfer tools) are timed back from it like a server with live sensors, and relative time
   * terms such as `start:-1440m` count back from it. The documentation's objects keep their
   * recorded times.
   *
   * @default {undefined} the time of the start, rounded down to the whole minute
   */
  now?: Date | string | number;
  /**
   * Add the hunting data set: remote admin tools, scripting hosts and file transfer tools (and
   * a few recent cmd.exe) run by several users on several hosts over the three weeks before
   * {@linkcode EmulatorOptions.now}. Turn it off to search the documentation's objects alone.
   *
   * @default {true}
   */
  huntingData?: boolean;
  /**
   * Fixed delay added to every answer.
   *
   * @default {0}
   */
  latencyMs?: number;
  /**
   * Milliseconds added to each search answer (Cb Response process, binary, alert and threat
   * report searches, counts and facets; Cb Protection and Cb Defense lists), as a real server
   * spends answering a page from its index. Concurrent requests wait side by side, as on a
   * multi-core server: N searches sent at once are answered after about one latency, not N.
   * The `--latency MS` flag of `deno task emulator` sets it.
   *
   * @default {0}
   */
  searchLatencyMs?: number;
  /**
   * Options of the Cb Protection routes.
   *
   * @default {}
   */
  protection?: ProtectionEmulatorOptions;
  /**
   * Options of the Cb Defense routes.
   *
   * @default {}
   */
  defense?: DefenseEmulatorOptions;
  /**
   * Options of the Live Response routes (Response and Defense).
   *
   * @default {}
   */
  liveResponse?: LiveResponseEmulatorOptions;
}

/** One request as the emulator received it. The token never appears here. */
export interface RecordedRequest {
  /** Upper-case method. */
  method: string;
  /** Pathname. */
  path: string;
  /** Raw query string without `?`, exactly as received. */
  query: string;
  /** `path` plus `?query` when there is one. */
  url: string;
  /** Headers by lower-case name; `x-auth-token` and `authorization` values are `"[redacted]"`. */
  headers: Record<string, string>;
  /** Whether the X-Auth-Token matched the API token or the Defense token. */
  authenticated: boolean;
  /** Request body text (`""` when none). */
  body: string;
  /** Status answered; 0 when the connection was dropped (or not answered yet). */
  status: number;
  /** Which fault applied, if any (e.g. `"status 503"`, `"drop after"`, `"delay+truncate"`). */
  fault: string | undefined;
  /**
   * Requests being handled when this one arrived, this one included (1 = it was alone): the
   * most in flight a client kept is the largest value in the log.
   */
  inFlight: number;
}

/** Options of {@linkcode CbEmulator.credentialsFile}. */
export interface CredentialsFileOptions {
  /**
   * Profile (INI section) name.
   *
   * @default {"default"}
   */
  profile?: string;
  /**
   * Extra keys written into the profile (they override the generated ones).
   *
   * @default {{}}
   */
  extra?: Record<string, string>;
}
