/**
 * Routing for the emulator: method + path patterns (`:name` captures one segment, `*name` the
 * rest), a request context, answer helpers and an error type that becomes a short text answer.
 *
 * @module
 */
import type { HttpAnswer, HttpBody } from "./_http_server.ts";

/** Which credential a route requires. */
export type RouteAuth = "token" | "defense" | "none";

/** What a route handler sees. */
export interface RouteContext {
  /** Upper-case method. */
  method: string;
  /** Pathname as received. */
  path: string;
  /** Captured path parameters (percent-decoded). */
  params: Record<string, string>;
  /** Parsed query parameters. */
  query: URLSearchParams;
  /** Raw query string. */
  rawQuery: string;
  /** Request headers by lower-case name. */
  headers: Record<string, string>;
  /** Request body as text (UTF-8 decoded). */
  bodyText: string;
  /** Request body as received, for binary uploads. */
  body: Uint8Array;
  /** The body parsed as JSON; a malformed body answers 400. */
  json(): unknown;
}

/** A route handler. */
export type RouteHandler = (ctx: RouteContext) => HttpAnswer | Promise<HttpAnswer>;

/** Thrown by handlers: answered as `status` with a short text body. */
export class HttpError extends Error {
  /** Status to answer. */
  readonly status: number;
  /** Extra headers. */
  readonly headers: Record<string, string>;

  /** Creates the error. */
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

interface Route {
  method: string;
  parts: string[];
  handler: RouteHandler;
  auth: RouteAuth;
}

/** Result of {@linkcode Router.match}. */
export type RouteMatch =
  | { route: { handler: RouteHandler; auth: RouteAuth }; params: Record<string, string> }
  | { status: 404 | 405 };

/** The route table, shared by every product folder. */
export class Router {
  #routes: Route[] = [];

  /** Adds a route. */
  add(method: string, pattern: string, handler: RouteHandler, auth: RouteAuth = "token"): void {
    this.#routes.push({ method, parts: pattern.split("/").filter(Boolean), handler, auth });
  }

  /** Finds the route for a request. */
  match(method: string, path: string): RouteMatch {
    const segs = path.split("/").filter(Boolean);
    let pathMatched = false;
    for (const r of this.#routes) {
      const params = matchParts(r.parts, segs);
      if (!params) continue;
      pathMatched = true;
      if (r.method === method || (method === "HEAD" && r.method === "GET")) {
        return { route: r, params };
      }
    }
    return { status: pathMatched ? 405 : 404 };
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith("*")) {
      if (i >= segs.length) return undefined;
      params[p.slice(1)] = segs.slice(i).map(decode).join("/");
      return params;
    }
    const s = segs[i];
    if (s === undefined) return undefined;
    if (p.startsWith(":")) params[p.slice(1)] = decode(s);
    else if (p !== s) return undefined;
  }
  return parts.length === segs.length ? params : undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const ENCODER = new TextEncoder();

/** A JSON answer. */
export function json(
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
): HttpAnswer {
  return {
    status,
    headers: { "Content-Type": "application/json", ...headers },
    body: ENCODER.encode(JSON.stringify(value)),
  };
}

/** A short text answer. */
export function text(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): HttpAnswer {
  return {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
    body: ENCODER.encode(message),
  };
}

/** A 204 answer. */
export function noContent(): HttpAnswer {
  return { status: 204, headers: {} };
}

/** A binary answer (bytes or a stream of known or unknown length). */
export function bytes(
  body: HttpBody,
  contentType: string,
  length?: number,
  headers: Record<string, string> = {},
): HttpAnswer {
  const answer: HttpAnswer = {
    status: 200,
    headers: { "Content-Type": contentType, ...headers },
    body,
  };
  if (length !== undefined) answer.length = length;
  return answer;
}

/** Parses a JSON object body or throws a 400. */
export function jsonObject(ctx: RouteContext): Record<string, unknown> {
  const v = ctx.json();
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new HttpError(400, "Request body must be a JSON object");
  }
  return v as Record<string, unknown>;
}

/** Parses an integer path parameter or throws a 404. */
export function intParam(ctx: RouteContext, name: string, what: string): number {
  const raw = ctx.params[name] ?? "";
  if (!/^-?\d+$/.test(raw)) throw new HttpError(404, `${what} ${raw} not found`);
  return Number(raw);
}
