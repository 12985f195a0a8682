/**
 * Seeded threat feeds, their reports and actions, and watchlist actions: the "SOC" feed of the
 * documentation (with its FUZZYWOMBAT reports), alliance feeds, a disabled feed (409 on
 * synchronize) and a cbtaxii feed, with the field list of the recorded `GET /api/v1/feed`.
 *
 * @module
 */
import type { EmulatorState } from "../state.ts";
import { CATALOG } from "./_binaries.ts";

/** A feed document. */
export type FeedDoc = EmulatorState["feeds"] extends Map<number, infer D> ? D : never;
/** A threat report document. */
export type ReportDoc = EmulatorState["feedReports"] extends Map<number, Map<string, infer D>> ? D
  : never;
/** A feed action document. */
export type FeedActionDoc = EmulatorState["feedActions"] extends Map<number, infer D> ? D : never;
/** A watchlist action document. */
export type WatchlistActionDoc = EmulatorState["watchlistActions"] extends Map<number, infer D> ? D
  : never;

/** A 1x1 PNG, base64, as feeds carry their icons. */
const ICON =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** The id of the SOC feed. */
export const SOC_FEED_ID = 7;
/** The id of the disabled feed. */
export const DISABLED_FEED_ID = 9;

/** Builds a feed document with every recorded field (nulls where the real server sends them). */
export function feedDoc(
  id: number,
  fields: Partial<FeedDoc> & { name: string },
): FeedDoc {
  return {
    display_name: fields.name,
    category: null,
    provider_url: null,
    summary: "",
    tech_data: "",
    feed_url: null,
    enabled: true,
    use_proxy: null,
    validate_server_cert: null,
    username: null,
    password: null,
    ssl_client_crt: null,
    ssl_client_key: null,
    requires_who: null,
    requires_what: null,
    requires: null,
    order: null,
    local_rating: null,
    provider_rating: 3.0,
    manually_added: false,
    icon: ICON,
    icon_small: ICON,
    ...fields,
    id,
  };
}

function feeds(): Map<number, FeedDoc> {
  const list: FeedDoc[] = [
    feedDoc(SOC_FEED_ID, {
      name: "SOC",
      display_name: "SOC Intel",
      feed_url: "https://intel.soc.example.com/cb/feed.json",
      provider_url: "https://intel.soc.example.com/",
      summary: "Indicators curated by the security operations center",
      tech_data: "Reports of the SOC's own investigations",
      manually_added: true,
      local_rating: 4,
      category: "Internal",
    }),
    feedDoc(2, {
      name: "virustotal",
      display_name: "VirusTotal",
      feed_url: "https://api.alliance.carbonblack.com/feed/virustotal",
      provider_url: "https://www.virustotal.com/",
      summary: "VirusTotal multi-engine detections of binaries seen in this environment",
      tech_data: "Requires sharing binary hashes with Carbon Black",
      requires_who: "Carbon Black",
      requires_what: "binary hashes",
      category: "Carbon Black",
      order: 1,
    }),
    feedDoc(3, {
      name: "srsthreat",
      display_name: "Carbon Black Threat Intelligence",
      feed_url: "https://api.alliance.carbonblack.com/feed/SRSThreat",
      provider_url: "https://www.carbonblack.com/",
      summary: "Known malicious domains, IPs and binaries",
      category: "Carbon Black",
      provider_rating: 4.0,
      order: 2,
    }),
    feedDoc(DISABLED_FEED_ID, {
      name: "abusech",
      display_name: "abuse.ch",
      feed_url: "https://api.alliance.carbonblack.com/feed/abusech",
      provider_url: "https://abuse.ch/",
      summary: "ZeuS, SpyEye and Palevo trackers",
      enabled: false,
      category: "Open Source",
      order: 3,
    }),
    feedDoc(11, {
      name: "sans",
      display_name: "SANS ISC (cbtaxii)",
      feed_url: "file:///usr/share/cb/integrations/cbtaxii/feeds/sans.json",
      summary: "Imported by the cbtaxii connector",
      manually_added: true,
      provider_rating: 2.0,
    }),
  ];
  return new Map(list.map((f) => [f.id, f]));
}

function report(
  feed: FeedDoc,
  id: string,
  title: string,
  score: number,
  iocs: Record<string, unknown[]>,
  extra: Partial<ReportDoc> = {},
): ReportDoc {
  return {
    id,
    feed_id: feed.id,
    feed_name: feed.name,
    feed_category: feed.category ?? null,
    title,
    score,
    link: `https://intel.example.com/reports/${encodeURIComponent(id)}`,
    timestamp: 1517942688,
    create_time: 1517942688,
    is_ignored: false,
    is_deleted: false,
    has_query: false,
    description: "",
    tags: [],
    iocs,
    ...extra,
  };
}

function reports(all: Map<number, FeedDoc>): Map<number, Map<string, ReportDoc>> {
  const soc = all.get(SOC_FEED_ID)!;
  const vt = all.get(2)!;
  const srs = all.get(3)!;
  const abuse = all.get(DISABLED_FEED_ID)!;
  const dropper = CATALOG["dropper.exe"]!.md5.toLowerCase();
  const list: ReportDoc[] = [
    report(soc, "SOC-2018-0001", "FUZZYWOMBAT dropper seen on finance hosts", 90, {
      md5: [dropper],
    }),
    report(soc, "SOC-2018-0002", "FUZZYWOMBAT command and control beacon", 80, {
      dns: ["fuzzywombat.example.net"],
      ipv4: ["203.0.113.7"],
    }),
    report(soc, "SOC-2018-0003", "FUZZYWOMBAT persistence via Run key", 60, {
      query: [{ index_type: "events", search_query: "cb.urlver=1&q=regmod%3Arun" }],
    }, { has_query: true }),
    report(soc, "SOC-2018-0004", "Network share mounts by net.exe", 40, {
      md5: [CATALOG["net.exe"]!.md5.toLowerCase()],
    }),
    report(soc, "SOC-2018-0005", "Credential dumping tools", 95, { md5: [] }, {
      is_ignored: true,
    }),
    report(vt, dropper, `VirusTotal: ${dropper}`, 75, { md5: [dropper] }, { tags: ["malware"] }),
    report(srs, "SRS-20180201-1", "Known botnet domain", 100, { dns: ["evil.example.org"] }),
    report(abuse, "ZEUS-42", "ZeuS command and control", 70, { ipv4: ["198.51.100.42"] }),
  ];
  const out = new Map<number, Map<string, ReportDoc>>();
  for (const f of all.keys()) out.set(f, new Map());
  for (const r of list) out.get(r.feed_id)!.set(r.id, r);
  return out;
}

/** Builds the feed part of the data set. */
export function buildFeedState(): Pick<
  EmulatorState,
  "feeds" | "feedReports" | "feedActions" | "watchlistActions"
> {
  const all = feeds();
  const feedActions = new Map<number, FeedActionDoc>([
    [1, {
      id: 1,
      group_id: SOC_FEED_ID,
      watchlist_id: -1,
      action_type: 3,
      action_data: '{"email_recipients":[]}',
    }],
    [2, {
      id: 2,
      group_id: SOC_FEED_ID,
      watchlist_id: -1,
      action_type: 0,
      action_data: '{"email_recipients":[1]}',
    }],
    [3, {
      id: 3,
      group_id: 3,
      watchlist_id: -1,
      action_type: 1,
      action_data: '{"email_recipients":[]}',
    }],
  ]);
  const watchlistActions = new Map<number, WatchlistActionDoc>([
    [1, {
      id: 1,
      watchlist_id: "6",
      group_id: -1,
      action_type: 3,
      action_data: '{"email_recipients":[]}',
    }],
    [2, {
      id: 2,
      watchlist_id: "6",
      group_id: -1,
      action_type: 0,
      action_data: '{"email_recipients":[1]}',
    }],
    [3, {
      id: 3,
      watchlist_id: "1",
      group_id: -1,
      action_type: 2,
      action_data: '{"url":"https://hooks.example.com/cb"}',
    }],
  ]);
  return { feeds: all, feedReports: reports(all), feedActions, watchlistActions };
}
