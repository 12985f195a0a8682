// Which document fields hold secrets, and a redacted copy of a JSON value for logs and printing.

/** Field names whose values are never logged or printed (case-insensitive). */
export const SECRET_FIELD_REGEXP: RegExp =
  /^(auth_token|token|api_key|apikey|apitoken|api_token|api_secret|secret|password|password_hash|passwordhash|passwordsalt|password_salt|clipassword|rabbitmq_pass)$/i;

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
 * A copy of a JSON value with the values of secret fields replaced by `"[redacted]"`.
 *
 * @param value The JSON value.
 * @returns The redacted copy.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretField(k) && v !== null && v !== "" ? "[redacted]" : redactSecrets(v);
    }
    return out;
  }
  return value;
}
