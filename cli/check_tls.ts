/**
 * `cbapi check-tls`: without a server, reports the newest TLS version this platform supports
 * (SPEC §1.6: Deno's TLS stacks speak TLS 1.2 and 1.3, so the answer is `TLSv1.2`, the version the
 * Python command reports when Cb Response 6.1's requirement is met). With a URL or a credential
 * profile, it contacts the server ({@linkcode inspectTls}): the negotiated TLS version, the
 * certificate's subject, issuer, validity, SANs and SHA-256 fingerprint, and which profile
 * settings would connect, each found by a real TLS handshake (`node:tls`, as Python's requests
 * decides: verified against Python 3.11 + requests 2.34 on the emulator's certificate kinds).
 * `--save FILE` stores the presented certificate for pinning with `ssl_cert_file` (trust on first
 * use: compare the fingerprint with the one shown on the server before trusting it).
 *
 * @module
 */

import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import * as tls from "node:tls";
import type { Io } from "./_io.ts";

/**
 * The newest TLS version the platform supports, as the Python `check-tls` names it.
 *
 * @returns `"TLSv1.2"`.
 */
export function checkTls(): string {
  return "TLSv1.2";
}

/**
 * The line `check-tls` prints.
 *
 * @returns `Newest TLS version supported by this platform is: TLSv1.2.`
 */
export function checkTlsLine(): string {
  return `Newest TLS version supported by this platform is: ${checkTls()}.`;
}

/** The certificate a server presented. */
export interface CertificateInfo {
  /** Subject, e.g. `CN=localhost` (several attributes joined with `, `). */
  subject: string;
  /** Issuer, same form. */
  issuer: string;
  /** Start of validity, ISO 8601. */
  validFrom: string;
  /** End of validity, ISO 8601. */
  validTo: string;
  /** Subject alternative names, e.g. `["IP Address:127.0.0.1", "DNS:localhost"]`. */
  subjectAltNames: string[];
  /** SHA-256 fingerprint, colon-separated upper-case hex. */
  fingerprint256: string;
  /** Signed by its own key (subject = issuer). */
  selfSigned: boolean;
  /** Basic constraints say `CA:TRUE` (a CA certificate used as the server's own). */
  ca: boolean;
  /** The certificate, PEM text. */
  pem: string;
}

/** Whether one set of profile settings would connect. */
export interface ProfileOutcome {
  /** The settings, as profile lines, e.g. `ssl_cert_file=<saved> + ssl_verify_hostname=False`. */
  setting: string;
  /** Whether a TLS handshake with these settings succeeded. */
  connects: boolean;
  /** Why it was refused (undefined when it connects). */
  reason: string | undefined;
}

/** What {@linkcode inspectTls} found. */
export interface TlsReport {
  /** The server's base URL as given. */
  url: string;
  /** Host name or IP address. */
  host: string;
  /** Port. */
  port: number;
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  protocol: string;
  /** Negotiated cipher suite. */
  cipher: string;
  /** The certificate the server presented. */
  certificate: CertificateInfo;
  /** Whether the certificate names the host (SANs only, as Python's urllib3 and rustls check). */
  nameMatches: boolean;
  /** Whether the certificate is outside its validity now. */
  expired: boolean;
  /**
   * In order: no TLS keys, `ssl_verify=False`, `ssl_cert_file=<saved>`, `ssl_cert_file=<saved>` +
   * `ssl_verify_hostname=False`, then the profile's own settings when one was given.
   */
  outcomes: ProfileOutcome[];
}

/** TLS keys of a profile to try as they are. */
export interface ProfileTlsSettings {
  /** Profile name (for the report). */
  profile: string;
  /** `ssl_verify`. */
  sslVerify: boolean;
  /** `ssl_verify_hostname`. */
  sslVerifyHostname: boolean;
  /** `ssl_cert_file`. */
  sslCertFile: string | undefined;
  /** `ssl_force_tls_1_2`. */
  sslForceTls12: boolean;
}

/** Options of {@linkcode inspectTls}. */
export interface InspectTlsOptions {
  /**
   * Limit of each TLS handshake.
   *
   * @default {10_000}
   */
  timeoutMs?: number;
  /**
   * A profile whose own TLS keys are tried too.
   *
   * @default {undefined}
   */
  profile?: ProfileTlsSettings;
}

/** Why `check-tls` could not inspect the server at all. */
export class CheckTlsError extends Error {
  override name = "CheckTlsError";
}

interface Attempt {
  socket?: tls.TLSSocket;
  error?: Error & { code?: string };
}

function handshake(
  host: string,
  port: number,
  options: tls.ConnectionOptions,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      ...options,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ error: new Error(`no TLS handshake within ${timeoutMs} ms`) });
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once("error", (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ error });
    });
  });
}

async function closeSocket(socket: tls.TLSSocket): Promise<void> {
  if (socket.destroyed) return;
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.destroy();
  await closed;
}

function dn(text: string): string {
  return text.split("\n").filter((s) => s !== "").join(", ");
}

function describe(x: X509Certificate): CertificateInfo {
  return {
    subject: dn(x.subject),
    issuer: dn(x.issuer),
    validFrom: x.validFromDate.toISOString(),
    validTo: x.validToDate.toISOString(),
    subjectAltNames: x.subjectAltName ? x.subjectAltName.split(", ") : [],
    fingerprint256: x.fingerprint256,
    // checkIssued(x) would also ask for keyCertSign, which a self-signed leaf lacks.
    selfSigned: x.subject === x.issuer && x.verify(x.publicKey),
    ca: x.ca,
    pem: x.toString(),
  };
}

/**
 * Contacts a TLS server: one handshake without verification to read what it presents, then one
 * per profile setting to learn which would connect. Sends no HTTP request (no token).
 *
 * @param url The server's `https://` URL.
 * @param options Timeout and a profile to try.
 * @returns The report.
 * @throws {CheckTlsError} When the URL is not `https://` or no TLS handshake succeeds.
 */
export async function inspectTls(
  url: string,
  options: InspectTlsOptions = {},
): Promise<TlsReport> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CheckTlsError(`"${url}" is not a URL: give the server's https:// address`);
  }
  if (parsed.protocol !== "https:") {
    throw new CheckTlsError(
      `${parsed.origin} is not an https:// URL: check-tls inspects TLS servers only`,
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(parsed.port || 443);
  const timeoutMs = options.timeoutMs ?? 10_000;

  const first = await handshake(host, port, { rejectUnauthorized: false }, timeoutMs);
  if (!first.socket) {
    throw new CheckTlsError(
      `No TLS handshake with ${host}:${port}: ${first.error?.message ?? "unknown error"}. ` +
        "Check the URL and port, and that the server speaks HTTPS there",
    );
  }
  let x: X509Certificate;
  let protocol: string;
  let cipher: string;
  try {
    const raw = first.socket.getPeerCertificate(true)?.raw;
    if (!raw || raw.length === 0) {
      throw new CheckTlsError(`${host}:${port} presented no certificate`);
    }
    x = new X509Certificate(raw);
    protocol = first.socket.getProtocol() ?? "unknown";
    cipher = first.socket.getCipher()?.name ?? "unknown";
  } finally {
    await closeSocket(first.socket);
  }
  const certificate = describe(x);
  const now = Date.now();
  const expired = x.validToDate.getTime() < now || x.validFromDate.getTime() > now;
  const nameMatches = isIP(host)
    ? x.checkIP(host) !== undefined
    : x.checkHost(host, { subject: "never" }) !== undefined;

  const explain = (error: Error & { code?: string }, pinned: boolean, checkName: boolean) => {
    if (expired) {
      return x.validToDate.getTime() < now
        ? `the certificate expired on ${certificate.validTo}`
        : `the certificate is valid only from ${certificate.validFrom}`;
    }
    if (error.code === "ERR_TLS_CERT_ALTNAME_INVALID" || (pinned && checkName && !nameMatches)) {
      const names = certificate.subjectAltNames.length
        ? `it names ${certificate.subjectAltNames.join(", ")}`
        : "it has no subjectAltName";
      return `the certificate does not name ${host} (${names}, subject ${certificate.subject})`;
    }
    if (!pinned) {
      return certificate.selfSigned
        ? "the certificate is self-signed: no trust store knows it"
        : `no trusted CA issued it (issuer: ${certificate.issuer})`;
    }
    if (!certificate.selfSigned) {
      return `the certificate is not self-signed: trust the CA that issued it (${certificate.issuer}) ` +
        "with ssl_cert_file instead";
    }
    return error.message;
  };

  const attempt = async (
    setting: string,
    opts: tls.ConnectionOptions,
    pinned: boolean,
    checkName: boolean,
  ): Promise<ProfileOutcome> => {
    const a = await handshake(host, port, opts, timeoutMs);
    if (a.socket) {
      await closeSocket(a.socket);
      return { setting, connects: true, reason: undefined };
    }
    return { setting, connects: false, reason: explain(a.error!, pinned, checkName) };
  };
  const noName = { checkServerIdentity: () => undefined };
  /** The profile's own keys, tried as written. */
  const profileOutcome = async (profile: ProfileTlsSettings): Promise<ProfileOutcome> => {
    const setting = `profile [${profile.profile}] as written`;
    if (!profile.sslVerify) return { setting, connects: true, reason: undefined };
    let ca: string | undefined;
    let pin: X509Certificate | undefined;
    if (profile.sslCertFile !== undefined) {
      try {
        ca = await Deno.readTextFile(profile.sslCertFile);
        pin = new X509Certificate(ca);
      } catch (err) {
        const why = ca === undefined
          ? `cannot be read (${err instanceof Error ? err.name : String(err)})`
          : "holds no PEM certificate";
        return { setting, connects: false, reason: `ssl_cert_file ${profile.sslCertFile} ${why}` };
      }
    }
    const outcome = await attempt(
      setting,
      {
        ...(ca !== undefined ? { ca: [ca] } : {}),
        ...(profile.sslVerifyHostname ? {} : noName),
        ...(profile.sslForceTls12 ? { minVersion: "TLSv1.2" as const } : {}),
      },
      ca !== undefined,
      profile.sslVerifyHostname,
    );
    if (!outcome.connects && pin && !expired) {
      const ours = pin.fingerprint256 === certificate.fingerprint256 ||
        (x.checkIssued(pin) && x.verify(pin.publicKey));
      if (!ours) {
        outcome.reason = `ssl_cert_file holds another certificate (${dn(pin.subject)}, ` +
          `SHA-256 ${pin.fingerprint256}), neither this server's nor its issuer's`;
      }
    }
    return outcome;
  };
  const outcomes = [
    await attempt("no TLS keys", {}, false, true),
    {
      setting: "ssl_verify=False",
      connects: true,
      reason: undefined,
    },
    await attempt("ssl_cert_file=<saved>", { ca: [certificate.pem] }, true, true),
    await attempt(
      "ssl_cert_file=<saved> + ssl_verify_hostname=False",
      { ca: [certificate.pem], ...noName },
      true,
      false,
    ),
  ];
  if (options.profile) outcomes.push(await profileOutcome(options.profile));
  return {
    url,
    host,
    port,
    protocol,
    cipher,
    certificate,
    nameMatches,
    expired,
    outcomes,
  };
}

/**
 * Writes the presented certificate (PEM) for `ssl_cert_file`.
 *
 * @param report What {@linkcode inspectTls} found.
 * @param file Where to write it.
 */
export async function saveCertificate(report: TlsReport, file: string): Promise<void> {
  await Deno.writeTextFile(file, report.certificate.pem);
}

/**
 * The profile lines that would connect with the saved certificate, best first; empty when
 * pinning the presented certificate cannot work.
 *
 * @param report What {@linkcode inspectTls} found.
 * @param file Where the certificate is (or will be) saved.
 * @returns `key = value` lines.
 */
export function pinLines(report: TlsReport, file: string): string[] {
  const [, , pin, pinNoName] = report.outcomes;
  if (pin?.connects) return [`ssl_cert_file = ${file}`];
  if (pinNoName?.connects) return [`ssl_cert_file = ${file}`, "ssl_verify_hostname = False"];
  return [];
}

/**
 * Prints the report as text (or JSON), and what to write in a profile.
 *
 * @param report What {@linkcode inspectTls} found.
 * @param io Output.
 * @param options `json` output; `saved`: the file the certificate was saved to.
 */
export function printTlsReport(
  report: TlsReport,
  io: Io,
  options: { json?: boolean; saved?: string | undefined } = {},
): void {
  if (options.json) {
    io.out(JSON.stringify({ ...report, saved: options.saved }, null, 2));
    return;
  }
  const c = report.certificate;
  const sans = c.subjectAltNames.length ? c.subjectAltNames.join(", ") : "(none)";
  const width = Math.max(...report.outcomes.map((o) => o.setting.length));
  io.out(`Server:        ${report.host}:${report.port}`);
  io.out(`TLS version:   ${report.protocol} (${report.cipher})`);
  io.out(`Subject:       ${c.subject}`);
  io.out(`Issuer:        ${c.issuer}${c.selfSigned ? " (self-signed)" : ""}`);
  io.out(
    `Valid:         ${c.validFrom} to ${c.validTo}${report.expired ? " (NOT VALID NOW)" : ""}`,
  );
  io.out(`SANs:          ${sans}${report.nameMatches ? "" : ` (${report.host} is not named)`}`);
  io.out(`CA:TRUE:       ${c.ca ? "yes (a CA certificate used as the server's own)" : "no"}`);
  io.out(`SHA-256:       ${c.fingerprint256}`);
  io.out("");
  io.out("Profile settings (Python cbapi semantics):");
  for (const o of report.outcomes) {
    const verdict = o.connects ? "connects" : `refused: ${o.reason}`;
    const note = o.connects && o.setting === "ssl_verify=False"
      ? " (without any check: anyone on the path could pose as the server)"
      : "";
    io.out(`  ${o.setting.padEnd(width)}  ${verdict}${note}`);
  }
  io.out("");
  const file = options.saved ?? "<saved file>";
  const lines = pinLines(report, file);
  if (report.outcomes[0]?.connects) {
    io.out("A trusted CA issued this certificate: the profile needs no TLS keys.");
  } else if (lines.length) {
    io.out(
      options.saved
        ? `Saved the certificate to ${options.saved}.`
        : "Save the certificate with --save FILE to pin it.",
    );
    io.out(
      "Trust on first use: before pinning, compare the SHA-256 fingerprint above with the one the " +
        "server itself shows (on the server: openssl x509 -noout -fingerprint -sha256 -in <its " +
        "certificate>).",
    );
    io.out("Then write in the profile:");
    for (const line of lines) io.out(`  ${line}`);
  } else {
    if (options.saved) io.out(`Saved the certificate to ${options.saved}.`);
    io.out(
      report.expired
        ? "The certificate is not valid now: have the server's certificate renewed (only " +
          "ssl_verify=False would connect, without any protection)."
        : `Pinning this certificate does not work: put the certificate of the CA that issued it ` +
          `(${c.issuer}) in ssl_cert_file.`,
    );
  }
}
