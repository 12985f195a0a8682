// Shared by the Cb Defense models: unwrapping `{"deviceInfo": {...}}`-style answers and the save
// answers of SPEC §7.3 (with the Python quirks fixed: `success: false` raises).

import { ApiError, type Document, ServerError } from "../core/mod.ts";
import { redactText } from "../core/_internal.ts";

/**
 * Takes the wrapped object out of a Defense single-object answer.
 *
 * @param json The parsed answer.
 * @param infoKey The wrapper key (`deviceInfo`, `eventInfo`, `policyInfo`).
 * @param what The model and id, for the error message.
 * @param server The server URL, for the error message.
 * @returns The document.
 * @throws {ApiError} When the answer does not carry the wrapper.
 */
export function unwrapDocument(
  json: unknown,
  infoKey: string,
  what: string,
  server: string,
): Document {
  const inner = json && typeof json === "object" && !Array.isArray(json)
    ? (json as Document)[infoKey]
    : undefined;
  if (inner && typeof inner === "object" && !Array.isArray(inner)) return inner as Document;
  throw new ApiError(
    `Cannot read ${what} from ${server}: the answer has no "${infoKey}" object ` +
      `(got ${JSON.stringify(json)?.slice(0, 200)}). Is this a Cb Defense server?`,
  );
}

/**
 * The server's `message` of a Defense answer body, or the body text itself (secret values
 * redacted).
 *
 * @param text The body text.
 * @returns The message.
 */
export function serverMessage(text: string): string {
  try {
    const data = JSON.parse(text) as { message?: unknown };
    if (data && typeof data.message === "string" && data.message !== "") return data.message;
  } catch {
    // not JSON: use the text
  }
  return redactText(text.trim());
}

/**
 * Throws when a 2xx Defense answer says `success: false` (the Python library ignores it).
 *
 * @param data The parsed answer.
 * @param text The raw answer.
 * @param status The HTTP status.
 * @param method The method sent.
 * @param url The full URL.
 * @param what What was asked, for the message.
 * @throws {ServerError} When the answer says `success: false`.
 */
export function checkSuccess(
  data: unknown,
  text: string,
  status: number,
  method: string,
  url: string,
  what: string,
): void {
  if (data && typeof data === "object" && (data as Document).success === false) {
    throw new ServerError(
      `Cannot ${what}: the server answered ${method} ${url} with "${serverMessage(text)}". ` +
        `Nothing was changed`,
      { status, body: text, method, url },
    );
  }
}
