/**
 * The `cbapi check-tls` command line: picks the server (URL or profile), runs
 * {@linkcode inspectTls}, saves the certificate and prints the report.
 *
 * @module
 */

import { loadCredentials, type Product } from "../core/mod.ts";
import type { Io } from "./_io.ts";
import {
  checkTlsLine,
  inspectTls,
  printTlsReport,
  type ProfileTlsSettings,
  saveCertificate,
} from "./check_tls.ts";

const PRODUCTS: readonly Product[] = ["response", "protection", "defense"];

/** The options `check-tls` reads. */
export interface CheckTlsFlags {
  /** `--profile`. */
  profile?: string | undefined;
  /** `--product`. */
  product?: string | undefined;
  /** `--save`. */
  save?: string | undefined;
  /** `--json`. */
  json?: boolean | undefined;
}

/**
 * Runs `check-tls`.
 *
 * @param args Positional arguments after `check-tls` (at most one URL).
 * @param flags Options.
 * @param io Output.
 * @returns The exit status: 0 inspected (or the platform line printed), 1 failed, 2 bad usage.
 */
export async function checkTlsCommand(
  args: string[],
  flags: CheckTlsFlags,
  io: Io,
): Promise<number> {
  if (args.length > 1) {
    io.err(`cbapi check-tls: give one URL, got ${args.length}: ${args.join(" ")}`);
    return 2;
  }
  const product = (flags.product ?? "response").toLowerCase() as Product;
  if (!PRODUCTS.includes(product)) {
    io.err(
      `cbapi check-tls: unknown product "${flags.product}"; give one of ${PRODUCTS.join(", ")}`,
    );
    return 2;
  }
  let url = args[0];
  let profile: ProfileTlsSettings | undefined;
  if (flags.profile !== undefined) {
    try {
      const creds = await loadCredentials(product, { profile: flags.profile, warn: io.err });
      profile = {
        profile: creds.profile,
        sslVerify: creds.sslVerify,
        sslVerifyHostname: creds.sslVerifyHostname,
        sslCertFile: creds.sslCertFile,
        sslForceTls12: creds.sslForceTls12,
      };
      url ??= creds.url;
    } catch (err) {
      io.err(`cbapi check-tls: ${err instanceof Error ? `${err.name}: ${err.message}` : err}`);
      return 1;
    }
  }
  if (url === undefined) {
    if (flags.save !== undefined) {
      io.err("cbapi check-tls: --save needs a server: give its URL or --profile NAME");
      return 2;
    }
    io.out(checkTlsLine());
    return 0;
  }
  try {
    const report = await inspectTls(url, profile ? { profile } : {});
    if (flags.save !== undefined) await saveCertificate(report, flags.save);
    printTlsReport(report, io, { json: flags.json ?? false, saved: flags.save });
    return 0;
  } catch (err) {
    io.err(`cbapi check-tls: ${err instanceof Error ? err.message : err}`);
    return 1;
  }
}
