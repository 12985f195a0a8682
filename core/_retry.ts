// Retry policy of the one request path: which failures are retried and how long to wait (the
// wait itself is `delay` of `_async.ts`).

/** HTTP methods that can be sent twice without changing the outcome. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "PUT",
  "DELETE",
  "OPTIONS",
  "TRACE",
]);

/** Statuses retried for idempotent requests. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Knobs of the retry policy. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Delay before the first retry; doubles each time. */
  baseDelayMs: number;
  /** Cap of one back-off delay. */
  maxDelayMs: number;
  /** The longest `Retry-After` the client agrees to wait; a longer one fails at once. */
  maxRetryAfterMs: number;
}

/** The defaults: 5 retries, 0.5 s doubling to 8 s, `Retry-After` honoured up to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

/**
 * Whether a method may be retried after the request may have reached the server.
 *
 * @param method An HTTP method.
 * @returns True for GET, HEAD, PUT, DELETE, OPTIONS and TRACE.
 */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Whether an HTTP status is worth another attempt.
 *
 * A 429 says the server did not act, so it is retried for every method; the other statuses only
 * for idempotent requests (a 502 after a POST may hide a write that happened).
 *
 * @param status The HTTP status.
 * @param idempotent Whether the request may be sent twice.
 * @returns True when the request should be sent again.
 */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && RETRY_STATUSES.has(status);
}

/**
 * Whether a fetch failure happened before anything reached the server (connection refused,
 * DNS failure), so that even a POST may be sent again.
 *
 * @param error What fetch threw.
 * @returns True when the connection was never established.
 */
export function isConnectFailure(error: unknown): boolean {
  const text = errorText(error);
  return /connection refused|tcp connect error|error trying to connect|dns error|failed to lookup|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|getaddrinfo/i
    .test(text) && !/tls|certificate|handshake/i.test(text);
}

/**
 * Whether a fetch failure will happen again however often it is retried: the server's TLS
 * certificate was refused, or Deno's permissions deny the host.
 *
 * @param error What fetch threw.
 * @returns True when retrying is pointless.
 */
export function isPermanentFailure(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    if (e.name === "NotCapable" || e.name === "PermissionDenied") return true;
    e = e.cause;
  }
  return /certificate|UnknownIssuer|CaUsedAsEndEntity|NotValidForName|CERT_|SELF_SIGNED|ERR_TLS|ERR_SSL|unable to verify/i
    .test(errorText(error));
}

/**
 * Every message in an error's cause chain, joined.
 *
 * @param error Any thrown value.
 * @returns The messages, separated by `: `.
 */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      const message = current.message;
      if (!parts.some((p) => p.includes(message))) parts.push(message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(": ");
}

/**
 * Parses a `Retry-After` header: delay seconds or an HTTP date.
 *
 * @param value The header value.
 * @param now The current time in milliseconds.
 * @returns Milliseconds to wait, or undefined when absent or unparseable.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The back-off before retry number `attempt` (1-based): exponential with jitter, capped.
 *
 * @param attempt Which retry this is, from 1.
 * @param policy The policy.
 * @param random A source of randomness in [0, 1).
 * @returns Milliseconds to wait.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * ceiling / 2);
}

/** Where a request stands after a failed attempt, for the retry decisions below. */
export interface AttemptState {
  /** Which attempt failed, from 0. */
  attempt: number;
  /** Retries allowed after the first attempt. */
  maxRetries: number;
  /** Whether the request may be sent twice. */
  idempotent: boolean;
  /** Whether the body is a stream (it cannot be sent again). */
  streamBody: boolean;
}

/** The decision after an answer with an error status. */
export type StatusDecision =
  | { kind: "final" }
  | { kind: "waitTooLong"; retryAfterMs: number }
  | { kind: "retry"; waitMs: number };

/**
 * Whether an answer with an error status is retried and after how long: `Retry-After` when the
 * server sent one (a longer one than the policy allows is final at once), else the back-off.
 *
 * @param status The answer's status.
 * @param retryAfter The answer's `Retry-After` header.
 * @param state The attempt.
 * @param policy The policy.
 * @returns The decision.
 */
export function afterStatus(
  status: number,
  retryAfter: string | null,
  state: AttemptState,
  policy: RetryPolicy,
): StatusDecision {
  if (
    state.attempt >= state.maxRetries || state.streamBody ||
    !isRetryableStatus(status, state.idempotent)
  ) {
    return { kind: "final" };
  }
  const asked = parseRetryAfter(retryAfter);
  if (asked !== undefined && asked > policy.maxRetryAfterMs) {
    return { kind: "waitTooLong", retryAfterMs: asked };
  }
  return { kind: "retry", waitMs: asked ?? backoffDelay(state.attempt + 1, policy) };
}

/** What is known of an attempt that failed without an answer. */
export interface FailureState extends AttemptState {
  /** Whether the attempt's own timeout ran out. */
  timedOut: boolean;
  /** Whether the connection was never established (refused, unknown host). */
  connectFailure: boolean;
  /** Milliseconds since the first attempt started. */
  elapsedMs: number;
  /** The time budget for retrying connect failures. */
  connectRetryMs: number;
}

/**
 * Whether an attempt that failed without an answer is retried, and the wait before the next one.
 * Refused connections and unknown hosts rarely heal within seconds: they get a short time budget
 * (`connectRetryMs`, the wait shortened to fit) and are retried for every method, since nothing
 * reached the server; other failures are retried for idempotent requests only.
 *
 * @param state The failed attempt.
 * @param policy The policy.
 * @returns Milliseconds to wait, or undefined when the failure is final.
 */
export function afterFailure(state: FailureState, policy: RetryPolicy): number | undefined {
  const waitMs = backoffDelay(state.attempt + 1, policy);
  const attemptsLeft = state.attempt < state.maxRetries && !state.streamBody;
  if (state.connectFailure) {
    const left = state.connectRetryMs - state.elapsedMs;
    return attemptsLeft && left > 0 ? Math.min(waitMs, left) : undefined;
  }
  return attemptsLeft && state.idempotent ? waitMs : undefined;
}
