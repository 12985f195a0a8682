// How a connection's transport is planned from the credentials: the pinned certificate, the TLS
// checks, the proxy (explicit, or from the environment) and the pool size.

import type { Credentials } from "./credentials.ts";
import type { ConnectOptions } from "./connection.ts";
import type { TransportPlan } from "./_transport.ts";
import { PROXY_ENV_NAMES, resolveProxy } from "./_proxy.ts";
import { readPinnedCertificates } from "./_tls_profile.ts";
import type { Logger } from "./log.ts";

function processHasProxy(): boolean {
  try {
    return ["http_proxy", "https_proxy", "all_proxy"].some((n) =>
      Boolean(Deno.env.get(n) || Deno.env.get(n.toUpperCase()))
    );
  } catch {
    return false;
  }
}

function proxyEnvironment(options: ConnectOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const name of PROXY_ENV_NAMES) {
    if (options.env) {
      env[name] = options.env[name];
      continue;
    }
    try {
      env[name] = Deno.env.get(name);
    } catch {
      // Without --allow-env the variables cannot be read; Deno's fetch cannot read them either.
    }
  }
  return env;
}

/**
 * The transport plan of a connection.
 *
 * @param credentials The profile.
 * @param url The server base URL.
 * @param where Where the profile came from, for messages.
 * @param options The connect options.
 * @param logger Where the ssl_verify warning goes.
 * @returns The plan.
 */
export async function transportPlan(
  credentials: Credentials,
  url: string,
  where: string,
  options: ConnectOptions,
  logger: Logger,
): Promise<TransportPlan> {
  const secure = url.startsWith("https:");
  const ca = credentials.sslCertFile && secure && credentials.sslVerify
    ? await readPinnedCertificates(credentials.sslCertFile, where)
    : undefined;
  if (!credentials.sslVerify && secure) {
    logger.warn(
      `ssl_verify is False for ${new URL(url).host} (${where}): the server's certificate is not ` +
        `checked, so anyone between this machine and the server can read the API token. Pin the ` +
        `certificate with ssl_cert_file instead (see "deno task cbapi check-tls ${url} --save server.pem")`,
    );
  }
  const resolved = resolveProxy(
    url,
    credentials.proxy,
    credentials.ignoreSystemProxy,
    proxyEnvironment(options),
    where,
  );
  const proxy = resolved.proxy;
  // fetch reads the process environment's proxy variables by itself: when an explicit `env`
  // option (or NO_PROXY, or ignore_system_proxy) says "direct" while the process has one, the
  // node transport, which reads none, carries the requests.
  const envProxyIgnored = resolved.envProxyIgnored ||
    (proxy === undefined && options.env !== undefined && processHasProxy());
  const tls: TransportPlan["tls"] = {
    verify: credentials.sslVerify,
    verifyHostname: credentials.sslVerifyHostname,
    forceTls12: credentials.sslForceTls12,
  };
  if (ca) tls.ca = ca;
  return {
    tls,
    proxy,
    envProxyIgnored,
    poolConnections: options.poolConnections ?? 10,
  };
}
