/**
 * Resolving web UI links for {@linkcode CbResponseAPI.fromUi}.
 *
 * @module
 */

import { ApiError, type Model, type RequestOptions } from "../core/mod.ts";
import { Alert } from "./alert.ts";
import { Binary } from "./binary.ts";
import { Process, processUniqueId } from "./process.ts";
import type { SearchQuery } from "./query.ts";
import { ThreatReport } from "./threat_report.ts";
import { Watchlist } from "./watchlist.ts";
import { Investigation } from "./investigation.ts";
import type { CbResponseAPI, UiTarget } from "./api.ts";

/** The raw-query kinds of web UI links, by fragment name. */
const UI_QUERIES = ["search", "binaries", "alerts", "threats"] as const;

/** Splits a web UI fragment into its kind and the rest (`search?q=..` or `search/q=..`). */
function splitFragment(fragment: string): [string, string | undefined] {
  const m = /^([^/?]*)([/?])?(.*)$/s.exec(fragment.replace(/^\/+/, ""))!;
  return [m[1]!, m[2] === undefined ? undefined : m[3]!];
}

/**
 * The object or query behind a link of the web UI (see {@linkcode CbResponseAPI.fromUi}).
 *
 * @param api The API the link must belong to.
 * @param url The link.
 * @param options Signal and timeout for the objects loaded.
 * @returns A loaded model, a raw query, or the API.
 */
export async function resolveUiLink(
  api: CbResponseAPI,
  url: string,
  options: RequestOptions,
): Promise<UiTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError(`Invalid URL provided: "${url}" is not a URL of ${api.url}`);
  }
  if (parsed.origin !== new URL(api.url).origin) {
    throw new ApiError(
      `Invalid URL provided: ${parsed.origin} is not the server of this API (${api.url})`,
    );
  }
  const fragment = parsed.hash.replace(/^#/, "").replace(/^\/+/, "");
  const [kind, rest] = splitFragment(fragment);
  if (kind === "login") return api;
  const parts = rest === undefined ? [] : rest.split("/");
  if (rest === undefined || rest === "") {
    throw new ApiError(`URL endpoint does not include a unique ID: ${url}`);
  }
  const decode = (s: string | undefined) => decodeURIComponent(s ?? "");
  switch (kind) {
    case "analyze": {
      const guid = decode(parts[0]);
      const segment = Number(parts[1] ?? 0);
      const id = Number.isInteger(segment) && segment > 0
        ? processUniqueId(guid, segment, api.versionAtLeast("6.0.0") ? 12 : 8)
        : guid;
      return await Process.selectById(api, id, options);
    }
    case "binary":
      return await api.selectById(Binary, decode(parts[0]), options);
    case "watchlist":
      return await api.selectById(Watchlist, decode(parts[0]), options);
    case "threat-details":
      return await api.selectById(
        ThreatReport,
        `${decode(parts[0])}:${decode(parts.slice(1).join("/"))}`,
        options,
      );
    case "investigation":
      return await api.select(Investigation).where(`id:${decode(parts[0])}`).one(options);
  }
  if ((UI_QUERIES as readonly string[]).includes(kind)) {
    const cls = { search: Process, binaries: Binary, alerts: Alert, threats: ThreatReport }[
      kind as typeof UI_QUERIES[number]
    ];
    return (cls.query(api) as SearchQuery<Model>).withRawQuery(rest);
  }
  throw new ApiError(`Unknown URL endpoint: ${url}`);
}
