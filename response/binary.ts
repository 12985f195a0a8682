/**
 * Cb Response binaries (`/api/v1/binary`): metadata, signing data, frequency, the observed hosts
 * and the binary itself as a stream.
 *
 * @module
 */

import {
  idSegment,
  installFields,
  openZipMember,
  parseTimestamp,
  toInt,
} from "../core/_internal.ts";
import {
  type Document,
  type FieldValues,
  type IdKind,
  type ModelId,
  ObjectNotFoundError,
  type RequestOptions,
  ServerError,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { SearchQuery } from "./query.ts";
import { Sensor } from "./sensor.ts";
import { FeedTaggedModel } from "./feed_tags.ts";

/** How often a binary was seen (`GET /api/v1/process/host/count`). */
export interface FrequencyData {
  /** Hosts that ran it. */
  computer_count: number;
  /** Processes that ran it. */
  process_count: number;
  /** All processes on the server. */
  all_process_count: number;
  /** `process_count / all_process_count`. */
  module_frequency: number;
}

/** The digital signature of a binary. */
export interface SigningData {
  /** `Signed`, `Unsigned`, ... */
  result: string;
  /** Publisher. */
  publisher: string;
  /** Issuer. */
  issuer: string;
  /** Subject. */
  subject: string;
  /** Signing time, or an empty string. */
  sign_time: Date | "";
  /** Program name. */
  program_name: string;
}

/** The version resource of a binary. */
export interface VersionInfo {
  /** File description. */
  file_desc: string;
  /** File version. */
  file_version: string;
  /** Product name. */
  product_name: string;
  /** Product version. */
  product_version: string;
  /** Company. */
  company_name: string;
  /** Copyright. */
  legal_copyright: string;
  /** Original file name. */
  original_filename: string;
}

/** The typed document fields of {@linkcode Binary}, declared once in `Binary.fields`. */
export interface Binary extends
  FieldValues<
    typeof Binary.fields,
    | "digsig_issuer"
    | "digsig_prog_name"
    | "digsig_publisher"
    | "digsig_sign_time"
    | "digsig_subject"
    | "icon"
    | "is_64bit"
    | "is_executable_image"
    | "signed"
  > {}

/**
 * A binary the server collected, selected by MD5 (upper-case).
 *
 * @example Read the first bytes of a binary
 * ```ts
 * import assert from "node:assert/strict";
 * import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const bin = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
 * const reader = (await bin.file()).getReader();
 * const { value } = await reader.read();
 * await reader.cancel();
 * assert.ok(new TextDecoder().decode(value!.subarray(0, 2)) === "MZ");
 * ```
 */
export class Binary extends FeedTaggedModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/binary";
  /** The id field. */
  static override primaryKey = "md5";
  /** How `String(obj)` prints it. */
  static override display: "schema" | "legacy" = "legacy";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** The server's MD5 value, as sent. */
    md5: "string",
    /** Original file name (from the version resource). */
    original_filename: "string",
    /** Internal name. */
    internal_name: "string",
    /** File description. */
    file_desc: "string",
    /** File version (`file_version`, text). */
    file_version: "string",
    /** Product name. */
    product_name: "string",
    /** Product version. */
    product_version: "string",
    /** Company name. */
    company_name: "string",
    /** Legal copyright (`legal_copyright`, text). */
    legal_copyright: "string",
    /** OS type (`Windows`, ...). */
    os_type: "string",
    /** Number of hosts that have it. */
    host_count: "integer",
    /** Orig mod len (`orig_mod_len`, integer). */
    orig_mod_len: "integer",
    /** Copied mod len (`copied_mod_len`, integer). */
    copied_mod_len: "integer",
    /** Is 64bit (`is_64bit`, flag). */
    is_64bit: "boolean",
    /** Is executable image (`is_executable_image`, flag). */
    is_executable_image: "boolean",
    /** `Signed`, `Unsigned`, ... */
    digsig_result: "string",
    /** Digsig result code (`digsig_result_code`, text). */
    digsig_result_code: "string",
    /** When the server first saw it. */
    server_added_timestamp: "iso-date-time",
    /** Last seen (`last_seen`, date, raw text with `getRaw`). */
    last_seen: "iso-date-time",
    /** Timestamp (`timestamp`, date, raw text with `getRaw`). */
    timestamp: "iso-date-time",
    /** Cb version (`cb_version`, integer). */
    cb_version: "integer",
    /** Group (`group`, list). */
    group: "array",
    /** Observed filename (`observed_filename`, list). */
    observed_filename: "array",
    /** Endpoint (`endpoint`, list). */
    endpoint: "array",
    /** Watchlists (`watchlists`, list). */
    watchlists: [{ value: "any", wid: "any" }],
    /** Alliance score virustotal (`alliance_score_virustotal`, text). */
    alliance_score_virustotal: "string",
    /** Digsig issuer (`digsig_issuer`, text). */
    digsig_issuer: "string",
    /** Digsig prog name (`digsig_prog_name`, text). */
    digsig_prog_name: "string",
    /** Digsig publisher (`digsig_publisher`, text). */
    digsig_publisher: "string",
    /** Signing time as the server sent it (see the `digsig_sign_time` getter). */
    digsig_sign_time: "string",
    /** Digsig subject (`digsig_subject`, text). */
    digsig_subject: "string",
    /** Event partition id (`event_partition_id`, list). */
    event_partition_id: "array",
    /** Facet id (`facet_id`, integer). */
    facet_id: "integer",
    /** Icon (`icon`, text). */
    icon: "string",
    /** Legal trademark (`legal_trademark`, text). */
    legal_trademark: "string",
    /** Private build (`private_build`, text). */
    private_build: "string",
    /** Signed (`signed`, text). */
    signed: "string",
    /** Special build (`special_build`, text). */
    special_build: "string",
    /** Version-resource comments of the file. */
    comments: "string",
  } as const;
  /** Default sort of binary searches: none. */
  static readonly defaultSort: string | undefined = undefined;
  /** Rows per page. */
  static readonly searchPageSize: number = 100;

  /**
   * Ids are MD5s, upper-cased; anything but 32 hexadecimal characters is an
   * {@linkcode InvalidHashError}.
   */
  static override idKind: IdKind = "md5";

  /**
   * The binary search query.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SearchQuery<Binary> {
    return new SearchQuery(api, Binary);
  }

  /**
   * The model for a search row (through the cache).
   *
   * @param api The API.
   * @param row The row.
   * @returns The binary.
   */
  static fromSearchRow(api: CbResponseAPI, row: Document): Binary {
    return api.fromRow(Binary, String(row.md5), row);
  }

  /**
   * Builds a binary; use `cb.select(Binary, md5)`.
   *
   * @param api The API.
   * @param id The MD5.
   * @param init The initial document.
   */
  constructor(
    api: CbResponseAPI,
    id: ModelId | undefined,
    init?: { info?: Document; full?: boolean },
  ) {
    super(api, id === undefined ? undefined : Binary.normaliseId(id), init);
  }

  /** The unique id. */
  override get uniqueId(): ModelId | undefined {
    const v = super.uniqueId;
    return typeof v === "string" ? v.toUpperCase() : v;
  }

  /** The REST path of this object. */
  protected override instanceUrl(): string {
    return `/api/v1/binary/${idSegment(this.uniqueId, "Binary")}/summary`;
  }

  /** The upper-case MD5. */
  get md5sum(): string {
    return String(this.uniqueId);
  }

  /** Whether the binary carries a valid signature. */
  get signed(): boolean {
    return this.info.digsig_result === "Signed";
  }

  /** The signature details. */
  get signing_data(): SigningData {
    const t = this.info.digsig_sign_time;
    return {
      result: this.#text("digsig_result"),
      publisher: this.digsig_publisher,
      issuer: this.digsig_issuer,
      subject: this.digsig_subject,
      sign_time: t ? parseTimestamp(t) ?? "" : "",
      program_name: this.digsig_prog_name,
    };
  }

  /** Signature publisher (`""` when absent). */
  get digsig_publisher(): string {
    return this.#text("digsig_publisher");
  }

  /** Signature issuer (`""` when absent). */
  get digsig_issuer(): string {
    return this.#text("digsig_issuer");
  }

  /** Signature subject (`""` when absent). */
  get digsig_subject(): string {
    return this.#text("digsig_subject");
  }

  /** Signing time as text (`""` when absent). */
  get digsig_sign_time(): string {
    return this.#text("digsig_sign_time");
  }

  /** Signed program name (`""` when absent). */
  get digsig_prog_name(): string {
    return this.#text("digsig_prog_name");
  }

  /** The version resource. */
  get version_info(): VersionInfo {
    return {
      file_desc: this.#text("file_desc"),
      file_version: this.#text("file_version"),
      product_name: this.#text("product_name"),
      product_version: this.#text("product_version"),
      company_name: this.#text("company_name"),
      legal_copyright: this.#text("legal_copyright"),
      original_filename: this.#text("original_filename"),
    };
  }

  /** VirusTotal score and link (0 and `""` when absent). */
  get virustotal(): { score: number; link: string } {
    return {
      score: Math.trunc(this.tagScore("virustotal") ?? 0),
      link: this.tagLink("virustotal") ?? "",
    };
  }

  /** The icon, decoded (empty when absent). */
  get icon(): Uint8Array {
    const raw = this.info.icon;
    if (typeof raw !== "string" || raw === "") return new Uint8Array();
    try {
      return Uint8Array.fromBase64(raw);
    } catch {
      return new Uint8Array();
    }
  }

  /** File names the binary was seen under. */
  get observed_filenames(): string[] {
    const v = this.info.observed_filename;
    return Array.isArray(v) ? v.map(String) : [];
  }

  /** Size in bytes (`orig_mod_len`). */
  get size(): number {
    return toInt(this.info.orig_mod_len) ?? 0;
  }

  /** Bytes the server holds (`copied_mod_len`). */
  get copied_size(): number {
    return toInt(this.info.copied_mod_len) ?? 0;
  }

  /** Whether it is a 64-bit image. */
  get is_64bit(): boolean {
    return this.info.is_64bit === true;
  }

  /** Whether it is an executable image. */
  get is_executable_image(): boolean {
    return this.info.is_executable_image === true;
  }

  /** Where the binary opens in the web UI. */
  get webui_link(): string {
    return `${this.cb.url}/#binary/${this.uniqueId}`;
  }

  #text(name: string): string {
    const v = this.info[name];
    return v === undefined || v === null ? "" : String(v);
  }

  /**
   * The binary itself, unzipped from the server's ZIP as it downloads (bounded memory).
   * Read it to the end or cancel it.
   *
   * It is a byte stream. Read it with a BYOB reader and one buffer you pass back each time, and
   * the file is inflated straight into that buffer: memory does not grow with the file (about
   * 16 MiB of RSS for 1 GiB, `deno task bench`). `pipeTo()` and default readers get a fresh
   * 64 KiB chunk per read, which the JavaScript engine collects some 64 MiB at a time.
   *
   * @example Save a binary with one reused buffer
   * ```ts
   * import assert from "node:assert/strict";
   * import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const bin = await cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
   * const reader = (await bin.file()).getReader({ mode: "byob" });
   * let buffer = new ArrayBuffer(64 * 1024);
   * let size = 0;
   * for (;;) {
   *   const { value, done } = await reader.read(new Uint8Array(buffer));
   *   if (done) break;
   *   size += value.length; // write `value` somewhere here
   *   buffer = value.buffer;
   * }
   * assert.equal(size, bin.size);
   * ```
   *
   * @param options Signal and timeout (until the answer starts).
   * @returns The file's bytes, streamed.
   * @throws {ObjectNotFoundError} When the server does not hold the file.
   */
  async file(options: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.cb.connection.request(
      "GET",
      `/api/v1/binary/${idSegment(this.uniqueId, "Binary")}`,
      options,
    );
    if (!res.body) {
      throw new ObjectNotFoundError(
        `Server ${this.cb.url} sent no content for binary ${this.uniqueId}`,
        {
          method: "GET",
          url: `${this.cb.url}/api/v1/binary/${this.uniqueId}`,
        },
      );
    }
    const zipOptions = options.signal ? { signal: options.signal } : {};
    // The ZIP reader is loaded by the first download (core/_internal.ts loads it on first use).
    return await openZipMember(res.body, "filedata", zipOptions);
  }

  /**
   * How many hosts and processes ran this binary (memoised on the object).
   *
   * @param options Signal and timeout.
   * @returns The counts.
   */
  async frequency(options: RequestOptions = {}): Promise<FrequencyData> {
    if (this.#frequency) return this.#frequency;
    const data = await this.cb.connection.getObject<
      { hostCount?: number; globalCount?: number; numDocs?: number }
    >(
      "/api/v1/process/host/count",
      [["cb.freqver", 1], ["md5", String(this.uniqueId)], ["name", "md5"]],
      options,
    );
    const hostCount = toInt(data?.hostCount) ?? 0;
    const globalCount = toInt(data?.globalCount) ?? 0;
    const numDocs = toInt(data?.numDocs) ?? 0;
    this.#frequency = {
      computer_count: hostCount,
      process_count: globalCount,
      all_process_count: numDocs,
      module_frequency: numDocs > 0 ? globalCount / numDocs : 0,
    };
    return this.#frequency;
  }
  #frequency: FrequencyData | undefined;

  /**
   * The hosts that have this binary, as lazily loaded sensors.
   *
   * @returns The sensors (partial: host name and id).
   */
  endpoints(): Sensor[] {
    const out: Sensor[] = [];
    for (const entry of (Array.isArray(this.info.endpoint) ? this.info.endpoint : [])) {
      const [host, id] = String(entry).split("|");
      const n = toInt(id);
      if (n === undefined) continue;
      out.push(
        this.cb.fromRow(Sensor, n, { id: n, computer_name: host }, false),
      );
    }
    return out;
  }

  /**
   * Whether the binary is banned: the ban entry's document, or false.
   *
   * @param options Signal and timeout.
   * @returns The ban document, or false.
   */
  async banned(options: RequestOptions = {}): Promise<Document | false> {
    try {
      const doc = await this.cb.connection.getObject<Document>(
        `/api/v1/banning/blacklist/${String(this.uniqueId).toLowerCase()}`,
        undefined,
        options,
      );
      return doc && doc.enabled !== false ? doc : false;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return false;
      if (err instanceof ServerError && err.status === 409) return false;
      throw err;
    }
  }
}
installFields(Binary, { writable: false });
