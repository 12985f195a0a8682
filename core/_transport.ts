// Picks what carries the requests of a connection: `fetch` (with a `Deno.HttpClient` for a
// proxy) wherever it can do what the profile asks, the node transport where it cannot. Both
// expose the same `send()`, returning a standard `Response` with a streaming body.
//
// fetch cannot (DESIGN.md "Measured in 2026-12"): pin a certificate (`caCerts` adds to the system
// roots), accept a pinned self-signed `CA:TRUE` certificate, skip verification or the host-name
// check, or ignore the environment's proxy variables. rustls never offers less than TLS 1.2, so
// `ssl_force_tls_1_2` needs nothing.

import type { Transport, TransportInit, TransportTls } from "./_transport_node.ts";
import type { ParsedProxy } from "./_proxy.ts";

export type { Transport, TransportInit } from "./_transport_node.ts";

/** What the transport must do. */
export interface TransportPlan {
  /** TLS settings. */
  tls: TransportTls;
  /** The proxy to use, if any. */
  proxy: ParsedProxy | undefined;
  /** The environment names a proxy that must not be used. */
  envProxyIgnored: boolean;
  /** Idle connections kept per host. */
  poolConnections: number;
}

/**
 * Whether `fetch` can carry a connection with this plan.
 *
 * @param plan The plan.
 * @returns True when no pin, no skipped check and no ignored environment proxy is asked for.
 */
export function fetchCanCarry(plan: TransportPlan): boolean {
  return !plan.tls.ca && plan.tls.verify && plan.tls.verifyHostname && !plan.envProxyIgnored;
}

/**
 * Builds the transport of a connection.
 *
 * @param plan What it must do.
 * @returns The transport; close it when done.
 */
export function createTransport(plan: TransportPlan): Transport {
  return fetchCanCarry(plan) ? createFetchTransport(plan) : createLazyNodeTransport(plan);
}

/**
 * The node transport, loaded by the first request. Loading it (node:tls, node:stream) starts
 * Deno's Node compatibility layer, which costs about half of a one-line script's start-up, so a
 * connection that fetch carries never loads it.
 */
function createLazyNodeTransport(plan: TransportPlan): Transport {
  let loading: Promise<Transport> | undefined;
  let loaded: Transport | undefined;
  let closed = false;
  return {
    kind: "node",
    async send(url: string, init: TransportInit): Promise<Response> {
      if (closed) throw new TypeError("the transport is closed");
      loading ??= import("./_transport_node.ts").then(({ createNodeTransport }) =>
        loaded = createNodeTransport({
          tls: plan.tls,
          proxy: plan.proxy,
          maxFreeSockets: plan.poolConnections,
        })
      );
      const transport = await loading;
      if (closed) throw new TypeError("the transport is closed");
      return await transport.send(url, init);
    },
    close(): void {
      if (closed) return;
      closed = true;
      loaded?.close();
      // A load still in progress closes what it builds.
      void loading?.then((transport) => transport.close(), () => {});
    },
  };
}

function createFetchTransport(plan: TransportPlan): Transport {
  const options: Deno.CreateHttpClientOptions = { poolMaxIdlePerHost: plan.poolConnections };
  if (plan.proxy) {
    const proxy: Deno.Proxy = { url: plan.proxy.origin };
    if (plan.proxy.username !== undefined) {
      proxy.basicAuth = { username: plan.proxy.username, password: plan.proxy.password ?? "" };
    }
    options.proxy = proxy;
  }
  let client: Deno.HttpClient | undefined;
  let freshClient: Deno.HttpClient | undefined;
  let closed = false;
  return {
    kind: "fetch",
    send(url: string, init: TransportInit): Promise<Response> {
      // The pooled client may silently send a request again when a kept-alive connection closes
      // under it; a write that must reach the server at most once goes over a fresh connection.
      const use = init.fresh
        ? (freshClient ??= Deno.createHttpClient({ ...options, poolMaxIdlePerHost: 0 }))
        : (client ??= Deno.createHttpClient(options));
      const request: RequestInit & { client: Deno.HttpClient } = {
        method: init.method,
        headers: init.headers,
        signal: init.signal,
        redirect: "manual",
        client: use,
      };
      if (init.body !== undefined) request.body = init.body;
      if (closed) return Promise.reject(new TypeError("the transport is closed"));
      return fetch(url, request);
    },
    close(): void {
      if (closed) return;
      closed = true;
      client?.close();
      freshClient?.close();
    },
  };
}
