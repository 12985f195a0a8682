/**
 * Cb Protection (App Control): this module's API (`CbProtectionAPI` and its models) is not implemented yet; it is
 * planned work of this project. Until then it re-exports the error classes of `core`, so code
 * written against this entry point already catches the right errors.
 *
 * @example Catch errors from this entry point
 * ```ts
 * import { ApiError, ServerError } from "@cbapi/cbapi/protection";
 * const err = new ServerError({ status: 500, body: "", method: "GET", url: "https://cb.example/" });
 * console.assert(err instanceof ApiError);
 * ```
 *
 * @module
 */

export {
  ApiError,
  ConnectionError,
  CredentialError,
  InvalidObjectError,
  MoreThanOneResultError,
  ObjectNotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from "../core/errors.ts";
