/**
 * `cbapi check-tls`: reports the newest TLS version this platform supports (SPEC §1.6). Deno's
 * TLS stack (rustls) always speaks TLS 1.2 and 1.3, so the answer is `TLSv1.2`, the version the
 * Python command reports when Cb Response 6.1's requirement is met.
 *
 * @module
 */

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
