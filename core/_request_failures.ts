// Failures of the one request path that are explained, not retried: a refused certificate, a
// proxy refusing CONNECT, plain http to a TLS server, a permission Deno denies; and the network
// error of a failure that is given up.

import { ConnectionError } from "./errors.ts";
import type { TransportPlan } from "./_transport.ts";
import { ProxyRefusedError } from "./_proxy.ts";
import { certificateAdvice, certificateCase } from "./_tls_profile.ts";
import { errorText, isConnectFailure, isPermanentFailure } from "./_retry.ts";

/** What the explanations need of the connection. */
export interface FailureContext {
  /** The server base URL. */
  server: string;
  /** The transport plan (proxy, pinned certificate). */
  plan: TransportPlan;
  /** The profile's `ssl_cert_file`, for the advice. */
  sslCertFile: string | undefined;
  /** True the first time it is called on a connection (one TLS probe per connection). */
  firstTlsProbe(): boolean;
}

/**
 * Throws the typed error of a failure that will happen again however often it is retried: a
 * refused certificate (naming the case and the profile line that fixes it), a proxy refusing
 * CONNECT, plain http to a TLS server, a permission Deno denies.
 */
export async function explainPermanent(
  method: string,
  url: string,
  error: unknown,
  context: FailureContext,
): Promise<void> {
  const proxy = context.plan.proxy;
  const text = errorText(error);
  if (
    proxy &&
    (error instanceof ProxyRefusedError ||
      /unsuccessful tunnel|proxy authentication required/i.test(text))
  ) {
    const status = error instanceof ProxyRefusedError
      ? error.status
      : /proxy authentication required/i.test(text)
      ? 407
      : undefined;
    throw new ConnectionError(
      `The proxy ${proxy.origin} (${proxy.where}) refused to open a tunnel (CONNECT)${
        status ? ` with status ${status}` : ""
      } to ${new URL(url).host} for ${method} ${url}: ${
        status === 407
          ? "check the user name and password in the proxy URL"
          : "check that the proxy allows CONNECT to this host and port"
      }`,
      { url, cause: error },
    );
  }
  const kind = certificateCase(error, context.plan.tls.ca !== undefined);
  if (kind !== undefined) {
    throw new ConnectionError(
      `Cannot connect to ${context.server} for ${method} ${url}: ${errorText(error)}. ${
        certificateAdvice(kind, context.server, context.sslCertFile)
      }`,
      { url, cause: error },
    );
  }
  if (isPermanentFailure(error)) throw networkError(method, url, context.server, error, 0, false);
  // Plain http to a TLS server fails in odd ways (a reset, a closed connection); one probe per
  // connection tells it apart from a dropped connection.
  if (url.startsWith("http:") && !isConnectFailure(error) && context.firstTlsProbe()) {
    if (await speaksTls(url)) {
      throw new ConnectionError(
        `Cannot send ${method} ${url}: the server speaks TLS: use https://${
          url.slice("http://".length)
        } in the profile's url`,
        { url, cause: error },
      );
    }
  }
}

/** Whether the server at an http:// URL answers a TLS handshake (at most 1 s). */
export async function speaksTls(url: string): Promise<boolean> {
  const target = new URL(url);
  // node:tls is loaded here, on this rare path, so that a script over fetch never loads Deno's
  // Node compatibility layer (about half of a one-line script's start-up).
  const { connect: tlsConnect } = await import("node:tls");
  return await new Promise((resolve) => {
    const socket = tlsConnect({
      host: target.hostname.replace(/^\[|\]$/g, ""),
      port: Number(target.port || 80),
      rejectUnauthorized: false,
    });
    const finish = (answer: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), 1_000);
    socket.once("secureConnect", () => finish(true));
    socket.once("error", () => finish(false));
  });
}

export function networkError(
  method: string,
  url: string,
  server: string,
  error: unknown,
  attempt: number,
  connectFailure: boolean,
): ConnectionError {
  const detail = errorText(error);
  const advice = connectFailure
    ? "Check the host name and port in the profile's url and that the server is up (refused " +
      "connections and unknown hosts are retried for connectRetryMs, 2 s by default)"
    : "Check that the server is up and reachable, then try again";
  const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : "";
  return new ConnectionError(
    `Received a network connection error from ${server} for ${method} ${url}${tries}: ${detail}. ${advice}`,
    { url, cause: error },
  );
}
