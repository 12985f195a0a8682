/**
 * The server checks of `CbResponseAPI.connect`: `GET /api/info`, the version floor and,
 * on 6.0+, the event partitions.
 *
 * @module
 */

import {
  ApiError,
  type Connection,
  type RequestOptions,
  UnauthorizedError,
  versionAtLeast,
} from "../core/mod.ts";
import type { ServerInfo } from "./api.ts";

/**
 * Reads and checks the server info of a new connection.
 *
 * @param connection The open connection.
 * @param request Signal of the connect call.
 * @returns The info and whether legacy (5.x) event partitions exist.
 * @throws {UnauthorizedError} When the token is refused.
 * @throws {ApiError} When the server is not Cb Response 5.0 or newer.
 */
export async function readServerInfo(
  connection: Connection,
  request: RequestOptions,
): Promise<{ info: ServerInfo; legacy: boolean }> {
  let info: ServerInfo | undefined;
  try {
    info = await connection.getObject<ServerInfo>("/api/info", undefined, request);
  } catch (err) {
    if (err instanceof UnauthorizedError) {
      throw new UnauthorizedError(
        `Invalid API token for server ${connection.url}. Check the token of profile ` +
          `"${connection.credentials?.profile ?? "default"}" (the user's API token is on the ` +
          `server's profile page)`,
        { status: 401, body: err.body, method: "GET", url: connection.url },
      );
    }
    throw err;
  }
  if (!info || typeof info.version !== "string") {
    throw new ApiError(
      `Server ${connection.url} answered /api/info without a version: is this a Cb Response server?`,
    );
  }
  if (!versionAtLeast(info.version, "5.0.0")) {
    throw new ApiError(
      `CbResponseAPI only supports Cb servers version >= 5.0.0; ${connection.url} runs ${info.version}`,
    );
  }
  let legacy = false;
  if (versionAtLeast(info.version, "6.0.0")) {
    const partitions = await connection.getObject<
      Record<string, { info?: { isLegacy?: boolean } }>
    >(
      "/api/v1/storage/events/partition",
      undefined,
      request,
    );
    legacy = Object.values(partitions ?? {}).some((p) => p?.info?.isLegacy === true);
  }
  connection.logger.debug(
    `Connected to Cb server version ${info.version} at ${connection.url}`,
  );
  return { info, legacy };
}
