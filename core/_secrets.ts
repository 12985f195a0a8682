// Which document fields hold secrets, and redacted copies of JSON values, server answers and URLs
// for messages, logs and printing.

/** Field names whose values are never logged or printed (case-insensitive). */
export const SECRET_FIELD_REGEXP: RegExp =
  /^(auth_token|token|api_key|apikey|apitoken|api_token|api_secret|secret|password|password_hash|passwordhash|passwordsalt|password_salt|clipassword|rabbitmq_pass)$/i;

/** Deepest nesting {@linkcode redactSecrets} copies; anything below is replaced. */
export const MAX_REDACT_DEPTH = 64;

const REDACTED = "[redacted]";

// `"token": "abc"`, `token=abc`, `'api_key': 'x'` in text that is not (complete) JSON.
const SECRET_IN_TEXT_REGEXP =
  /(["']?)(auth_token|token|api_key|apikey|apitoken|api_token|api_secret|secret|password|password_hash|passwordhash|passwordsalt|password_salt|clipassword|rabbitmq_pass|x-auth-token)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,;&}\]]*)/gi;

/**
 * Whether a field name holds a secret.
 *
 * @param key The field name.
 * @returns True for tokens, passwords and the like.
 */
export function isSecretField(key: string): boolean {
  return SECRET_FIELD_REGEXP.test(key);
}

/**
 * A copy of a JSON value with the values of secret fields replaced by `"[redacted]"`. Nesting
 * deeper than {@linkcode MAX_REDACT_DEPTH} is replaced by `"[nested too deep]"`, so a hostile
 * document cannot exhaust the stack.
 *
 * @param value The JSON value.
 * @param depth The nesting level of `value` (0 at the top).
 * @returns The redacted copy.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (depth >= MAX_REDACT_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretField(k) && v !== null && v !== "" ? REDACTED : redactSecrets(v, depth + 1);
  }
  return out;
}

/**
 * A server answer made fit to quote in a message: the values of secret fields (`"auth_token":
 * "..."`, `token=...`) are replaced by `[redacted]`, whether or not the text is valid JSON.
 *
 * @param text The answer's text.
 * @returns The redacted text.
 */
export function redactText(text: string): string {
  return text.replace(
    SECRET_IN_TEXT_REGEXP,
    (_m, q: string, key: string, sep: string) => `${q}${key}${q}${sep}"${REDACTED}"`,
  );
}

/**
 * A URL (or text that was meant to be one) with the password of its user information replaced
 * by `[redacted]`: `http://admin:PASS@host` gives `http://admin:[redacted]@host`, also when the
 * password holds `@`, `/` or `:`. User information without a password is redacted whole (it may
 * be a token). Text without user information comes back unchanged.
 *
 * @param text The URL.
 * @returns The redacted URL.
 */
export function redactUrl(text: string): string {
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  const start = scheme ? scheme[0].length : 0;
  const at = text.lastIndexOf("@");
  if (at < start) return text;
  const userInfo = text.slice(start, at);
  const colon = userInfo.indexOf(":");
  const shown = colon >= 0 ? `${userInfo.slice(0, colon)}:${REDACTED}` : REDACTED;
  return `${text.slice(0, start)}${shown}${text.slice(at)}`;
}

/**
 * Whether a URL (or text meant to be one) carries user information (`user:password@`).
 *
 * @param text The URL.
 * @returns True when an `@` follows the scheme.
 */
export function hasUserInfo(text: string): boolean {
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  return text.lastIndexOf("@") >= (scheme ? scheme[0].length : 0) && text.includes("@");
}
