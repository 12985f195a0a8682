/**
 * Lists, adds and deletes threat intelligence feeds (the Python `feed_operations.py`).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env examples/response/feed_operations.ts list
 * deno run --allow-net --allow-read --allow-env examples/response/feed_operations.ts add \
 *   -u https://intel.example.com/feed.json --enable --validate_server_cert
 * deno run --allow-net --allow-read --allow-env examples/response/feed_operations.ts delete -f SOC
 * ```
 *
 * `--cert` and `--key` read the TLS client certificate and key from files (`--allow-read`).
 * Feed passwords and TLS client keys are listed as `[redacted]`, never printed.
 *
 * @module
 */
// deno-lint-ignore-file no-console

import { type CbResponseAPI, Feed } from "@cbapi/cbapi/response";
import { displayValue, ServerError } from "@cbapi/cbapi/core";
import {
  COMMON_USAGE,
  connectResponse,
  deleteByNameOrId,
  errorMessage,
  type Flags,
  parseCli,
  requireFlag,
  run,
  UsageError,
} from "../_cli.ts";

const USAGE = `Usage: feed_operations.ts <command> [options]
  list                                   List all configured feeds
  add -u URL [--force] [-e] [-p] [-v] [--username U --password P] [--cert FILE --key FILE]
                                         Add a new feed
    -u, --feed-url URL                   URL location of feed data
    --force                              Force creation even if feed already exists
    -e, --enable                         Enable this feed
    -p, --use_proxy                      Cb server uses its web proxy to download the feed
    -v, --validate_server_cert           Cb server verifies the feed server's certificate
    --username U, --password P           HTTP Basic Authentication to access the feed URL
    --cert FILE, --key FILE              TLS client certificate and key to access the feed URL
  delete (-i ID | -f NAME) [--force]     Delete feeds (--force: all feeds named NAME)${COMMON_USAGE}`;

const FIELDS = [
  "id",
  "category",
  "display_name",
  "enabled",
  "provider_url",
  "summary",
  "tech_data",
  "feed_url",
  "use_proxy",
  "validate_server_cert",
];
const SECRETS = new Set(["password", "ssl_client_key"]);

function masked(feed: Feed): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...feed.toJSON() };
  for (const k of SECRETS) if (doc[k]) doc[k] = "[redacted]";
  return doc;
}

function printFeed(f: Feed): void {
  const names = [...FIELDS];
  if (f.get("username")) names.push("username", "password");
  if (f.get("ssl_client_crt")) names.push("ssl_client_crt", "ssl_client_key");
  for (const name of names) {
    const value = SECRETS.has(name) && f.get(name) ? "[redacted]" : displayValue(name, f.get(name));
    console.log(`${name.padEnd(20)}: ${value}`);
  }
}

async function listFeeds(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const feeds = await cb.select(Feed).toArray();
  if (flags.json) return console.log(JSON.stringify(feeds.map(masked), null, 2)), 0;
  for (const f of feeds) {
    printFeed(f);
    console.log("\n");
  }
  return 0;
}

async function addFeed(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const url = requireFlag(flags, "feed-url");
  const configured = (await cb.select(Feed).toArray()).filter((f) => f.feed_url === url);
  if (configured.length) {
    console.log(`Warning: Feeds already configured for this url: ${url}:`);
    for (const f of configured) {
      printFeed(f);
      console.log("");
    }
    if (!flags.force) return 1;
  }
  const f = cb.create(Feed);
  f.feed_url = url;
  if (flags.enable) f.enabled = true;
  if (typeof flags.username === "string") f.set("username", flags.username);
  if (typeof flags.password === "string") f.set("password", flags.password);
  if (typeof flags.cert === "string") {
    f.set("ssl_client_crt", await Deno.readTextFile(flags.cert));
  }
  if (typeof flags.key === "string") {
    f.set("ssl_client_key", await Deno.readTextFile(flags.key));
  }
  if (flags.use_proxy) f.use_proxy = true;
  if (flags.validate_server_cert) f.validate_server_cert = true;
  try {
    await f.save();
  } catch (err) {
    if (err instanceof ServerError && err.status === 500) {
      console.log("Could not add feed:");
      console.log(
        " Received error code 500 from server. This is usually because the server cannot retrieve the feed.",
      );
      console.log(
        " Check to ensure the Cb server has network connectivity and the credentials are correct.",
      );
    } else console.log(`Could not add feed: ${errorMessage(err)}`);
    return 1;
  }
  console.log(`Added feed. New feed ID is ${f.id}`);
  return 0;
}

async function deleteFeeds(cb: CbResponseAPI, flags: Flags): Promise<number> {
  const id = typeof flags.id === "string" ? Number(flags.id) : undefined;
  const name = typeof flags.feedname === "string" ? flags.feedname : undefined;
  if ((id === undefined) === (name === undefined)) {
    throw new UsageError("delete needs one of --id or --feedname");
  }
  if (id !== undefined && !Number.isInteger(id)) {
    throw new UsageError(`--id takes a feed id (an integer), not "${flags.id}"`);
  }
  return await deleteByNameOrId(cb, Feed, { id, name, force: flags.force === true, label: "feed" });
}

async function main(): Promise<number> {
  const { flags, positionals } = parseCli(Deno.args, {
    "feed-url": { type: "string", short: "u" },
    force: { type: "boolean", default: false },
    enable: { type: "boolean", short: "e", default: false },
    use_proxy: { type: "boolean", short: "p", default: false },
    validate_server_cert: { type: "boolean", short: "v", default: false },
    username: { type: "string" },
    password: { type: "string" },
    cert: { type: "string" },
    key: { type: "string" },
    id: { type: "string", short: "i" },
    feedname: { type: "string", short: "f" },
  }, true);
  if (flags.help) return console.log(USAGE), 0;
  const commands: Record<string, (cb: CbResponseAPI, flags: Flags) => Promise<number>> = {
    list: listFeeds,
    add: addFeed,
    delete: deleteFeeds,
  };
  const command = positionals[0];
  const handler = command ? commands[command] : undefined;
  if (!handler) throw new UsageError("give one of the commands list, add, delete");
  await using cb = await connectResponse(flags);
  return await handler(cb, flags);
}

if (import.meta.main) await run(USAGE, main);
