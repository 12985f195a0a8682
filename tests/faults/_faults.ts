// The columns of the fault matrix: each emulator fault, and the outcome users need from it for
// a read, an idempotent write (PUT) and a write that must not be repeated (POST, PATCH).

import { ConnectionError, ServerError, TimeoutError } from "@cbapi/cbapi/core";
import type { FaultRule } from "@cbapi/cbapi/testing";
import type { WriteKind } from "./_operations.ts";

/** What a cell must show. */
export type Expectation =
  | {
    ok: true;
    /** How many times the faulted request (same method, URL and body) reached the server. */
    sends: number;
    /** How many times a write was carried out (reads: always 0). */
    applied: number;
    /** A debug line the client must have logged (proves `Retry-After` was honoured). */
    log?: RegExp;
  }
  | {
    ok: false;
    // deno-lint-ignore no-explicit-any
    error: abstract new (...args: any[]) => Error;
    /** The HTTP status the error carries, if any. */
    status?: number;
    /** What the error's message must say. */
    message: RegExp;
    sends: number;
    /** "late": the server may act after the client gave up; the op says how often it did. */
    applied: number | "late";
  };

/** One column. */
export interface Fault {
  /** Column name. */
  name: string;
  /** The fault's effects (the operation supplies method, path and skip). */
  rule?: Omit<FaultRule, "method" | "path" | "skip">;
  /** The redirect target is the faulted request's own URL (`same`) or another origin. */
  redirect?: "same" | "other-origin";
  /** Connect with a per-attempt timeout (for the slow answer). */
  timeoutMs?: number;
  /** Pin a second TLS emulator's certificate. */
  wrongCertificate?: boolean;
  /** The outcome by kind of request. */
  expect(kind: WriteKind): Expectation;
}

const RETRIED = (kind: WriteKind): Expectation => ({
  ok: true,
  sends: 2,
  applied: kind === "read" ? 0 : 1,
});

/**
 * Whether a request may be sent again after it may have reached the server: reads and PUTs.
 * A PATCH is not (the client cannot know that a given PATCH is safe to repeat), but unlike a
 * POST it follows a same-origin 302: the server did not act on the first one.
 */
function repeatable(kind: WriteKind): boolean {
  return kind === "read" || kind === "put";
}

function statusFault(status: number, retriedWhenIdempotent: boolean): Fault {
  return {
    name: `${status}`,
    rule: { status },
    expect: (kind) =>
      retriedWhenIdempotent && repeatable(kind) ? RETRIED(kind) : {
        ok: false,
        error: ServerError,
        status,
        message: new RegExp(
          `Received error code ${status} from API: Injected fault: HTTP ${status}`,
        ),
        sends: 1,
        applied: 0,
      },
  };
}

/** An HTTP-date a minute ago: "retry now". */
function pastHttpDate(): string {
  return new Date(Date.now() - 60_000).toUTCString();
}

/** The columns, in the order of the issue. */
export const FAULTS: readonly Fault[] = [
  {
    name: "connection dropped before the server acted",
    rule: { drop: "before" },
    expect: (kind) =>
      !repeatable(kind)
        ? {
          ok: false,
          error: ConnectionError,
          message: /network connection error from .* for (POST|PATCH)/,
          sends: 1,
          applied: 0,
        }
        : RETRIED(kind),
  },
  {
    name: "connection dropped after the server acted",
    rule: { drop: "after" },
    expect: (kind) =>
      !repeatable(kind)
        ? {
          ok: false,
          error: ConnectionError,
          message: /network connection error from .* for (POST|PATCH)/,
          sends: 1,
          applied: 1,
        }
        : RETRIED(kind),
  },
  statusFault(500, false),
  statusFault(502, true),
  statusFault(503, true),
  {
    name: "429 with Retry-After in seconds",
    rule: { status: 429, retryAfter: 0 },
    // The server did not act, so even a POST is sent again, after the 0 s the server asked for
    // (the test back-off would log 0.003 s or more).
    expect: (kind) => ({ ...RETRIED(kind), log: /Retrying HTTP \w+ \S+ in 0\.000s .*status 429/ }),
  },
  {
    name: "429 with Retry-After as an HTTP-date",
    rule: { status: 429, retryAfter: pastHttpDate() },
    expect: (kind) => ({ ...RETRIED(kind), log: /Retrying HTTP \w+ \S+ in 0\.000s .*status 429/ }),
  },
  {
    name: "429 with a Retry-After beyond maxRetryAfterMs",
    rule: { status: 429, retryAfter: 3600 },
    expect: () => ({
      ok: false,
      error: ServerError,
      status: 429,
      message: /asked to wait 3600 s \(Retry-After\)/,
      sends: 1,
      applied: 0,
    }),
  },
  {
    name: "slow answer past the timeout",
    rule: { delayMs: 1_500 },
    timeoutMs: 500,
    expect: (kind) =>
      !repeatable(kind)
        ? {
          ok: false,
          error: TimeoutError,
          message: /Timed out when requesting/,
          sends: 1,
          applied: "late",
        }
        : RETRIED(kind),
  },
  {
    name: "truncated body",
    rule: { truncate: true },
    expect: (kind) =>
      !repeatable(kind)
        ? {
          ok: false,
          error: ConnectionError,
          message: /network connection error from .* for (POST|PATCH)/,
          sends: 1,
          applied: 1,
        }
        : RETRIED(kind),
  },
  {
    name: "non-JSON body",
    rule: { nonJson: true },
    expect: (kind) => ({
      ok: false,
      error: ServerError,
      status: 200,
      message: /Cannot parse response as JSON .*502 Bad Gateway/,
      sends: 1,
      applied: kind === "read" ? 0 : 1,
    }),
  },
  {
    name: "redirect to the same URL",
    redirect: "same",
    // A 302 says the server did not act: PUT and PATCH follow it (keeping their method, as fetch
    // does); a POST does not, since a 302 historically turns it into a GET.
    expect: (kind) =>
      kind === "post"
        ? {
          ok: false,
          error: ConnectionError,
          message: /a write is not repeated on a redirect/,
          sends: 1,
          applied: 0,
        }
        : RETRIED(kind),
  },
  {
    name: "redirect to another origin",
    redirect: "other-origin",
    expect: () => ({
      ok: false,
      error: ConnectionError,
      message: /redirected .* to another origin .*the API token stays with this server/,
      sends: 1,
      applied: 0,
    }),
  },
  {
    name: "wrong certificate",
    wrongCertificate: true,
    expect: () => ({
      ok: false,
      error: ConnectionError,
      message: /certificate was refused \(pin mismatch/,
      sends: 0,
      applied: 0,
    }),
  },
];
