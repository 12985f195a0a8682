/**
 * The binary catalogue: every module the seeded processes run or load, plus the documentation's
 * binaries (notepad.exe 7FB55F5A..., pnrpnsp.dll CA4FAFFA..., appid.sys C7F5CAE0...).
 *
 * @module
 */
import { hashHex, mixSeed, Rng } from "../_rand.ts";
import type { BinaryRecord } from "../state.ts";

/** What the catalogue says about one binary. */
export interface BinarySpec {
  /** Upper-case MD5. */
  md5: string;
  /** Original file name. */
  name: string;
  /** Lower-case observed path. */
  path: string;
  /** File description. */
  desc: string;
  /** Company. */
  company: string;
  /** Product name. */
  product: string;
  /** Version. */
  version: string;
  /** Signed by `company`. */
  signed: boolean;
  /** filedata length. */
  size: number;
  /** 64-bit image. */
  is64: boolean;
  /** Executable image (not a DLL). */
  exe: boolean;
  /** Server-added time (Solr). */
  added: string;
  /** VirusTotal score, when any. */
  vt?: number;
  /** Linux ELF instead of PE. */
  elf?: boolean;
}

const MS = "Microsoft Corporation";
const WIN = "Microsoft\u00ae Windows\u00ae Operating System";
const SYS32 = "c:\\windows\\system32\\";

/** Deterministic MD5 for a catalogue name. */
export function md5For(name: string): string {
  return hashHex("md5", `cbemu:${name}`).toUpperCase();
}

function ms(name: string, desc: string, opts: Partial<BinarySpec> = {}): BinarySpec {
  return {
    md5: opts.md5 ?? md5For(name),
    name,
    path: opts.path ?? SYS32 + name,
    desc,
    company: MS,
    product: WIN,
    version: "6.1.7601.17514 (win7sp1_rtm.101119-1850)",
    signed: true,
    size: 4096 + (mixSeed(name) % 12) * 512,
    is64: false,
    exe: name.endsWith(".exe"),
    added: "2016-10-25T14:10:02.137Z",
    ...opts,
  };
}

/** Every catalogue binary, keyed by lower-case name. */
export const CATALOG: Record<string, BinarySpec> = Object.fromEntries([
  ms("notepad.exe", "Notepad", { md5: "7FB55F5A62E78AF9B58D08AAEEAEF848", size: 9216 }),
  ms("pnrpnsp.dll", "PNRP Name Space Provider", { md5: "CA4FAFFA957C71C006B59E29DFE3EB8B" }),
  ms("appid.sys", "AppID Driver", {
    md5: "C7F5CAE0B450BE875EEE0E6DDFA771FE",
    path: SYS32 + "drivers\\appid.sys",
    version: "6.1.7601.23418 (win7sp1_ldr.160408-2045)",
    size: 50688,
    exe: true,
    added: "2017-02-01T03:52:34.137Z",
  }),
  ms("net.exe", "Net Command", { md5: "79B6D4C5283FC806387C55B8D7C8B762" }),
  ms("cmd.exe", "Windows Command Processor", { md5: "BF93A2F9901E9B3DFCA8A7982F4A9868" }),
  ms("explorer.exe", "Windows Explorer", { path: "c:\\windows\\explorer.exe" }),
  ms("userinit.exe", "Userinit Logon Application"),
  ms("winlogon.exe", "Windows Logon Application"),
  ms("smss.exe", "Windows Session Manager"),
  ms("ntoskrnl.exe", "NT Kernel & System"),
  ms("taskhost.exe", "Host Process for Windows Tasks"),
  ms("conhost.exe", "Console Window Host"),
  ms("ping.exe", "TCP/IP Ping Command"),
  ms("wermgr.exe", "Windows Problem Reporting"),
  ms("svchost.exe", "Host Process for Windows Services"),
  ms("thumbnailextractionhost.exe", "Thumbnail Extraction Host"),
  ms("ntdll.dll", "NT Layer DLL"),
  ms("kernel32.dll", "Windows NT BASE API Client DLL"),
  ms("kernelbase.dll", "Windows NT BASE API Client DLL"),
  ms("msvcrt.dll", "Windows NT CRT DLL"),
  ms("advapi32.dll", "Advanced Windows 32 Base API"),
  ms("user32.dll", "Multi-User Windows USER API Client DLL"),
  ms("ws2_32.dll", "Windows Socket 2.0 32-Bit DLL"),
  ms("chrome.exe", "Google Chrome", {
    path: "c:\\program files\\google\\chrome\\application\\chrome.exe",
    company: "Google Inc.",
    product: "Google Chrome",
    version: "54.0.2840.71",
  }),
  ms("adobearm.exe", "Adobe Reader and Acrobat Manager", {
    path: "c:\\program files\\common files\\adobe\\arm\\1.0\\adobearm.exe",
    company: "Adobe Systems Incorporated",
    product: "Adobe Reader and Acrobat Manager",
    version: "1.824.16.8434",
  }),
  ms("tmpa4f2.dll", "", {
    path: "c:\\users\\bit9rad\\appdata\\local\\temp\\tmpa4f2.dll",
    company: "",
    product: "",
    version: "",
    signed: false,
  }),
  ms("dropper.exe", "", {
    path: "c:\\users\\bit9rad\\appdata\\local\\temp\\dropper.exe",
    company: "",
    product: "",
    version: "",
    signed: false,
    vt: 42,
  }),
  ms("bash", "", {
    path: "/bin/bash",
    company: "",
    product: "",
    version: "",
    signed: false,
    exe: true,
    is64: true,
    elf: true,
  }),
].map((b) => [b.name, b]));

const ICON =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Builds the stored record of a binary; `endpoints` are `"HOST|id"` strings. */
export function binaryRecord(
  spec: BinarySpec,
  endpoints: string[],
  groups: string[],
): BinaryRecord {
  const seen = endpoints.length ? endpoints : ["WIN-IA9NQ1GN8OI|3"];
  const doc: Record<string, unknown> = {
    md5: spec.md5,
    original_filename: spec.name,
    internal_name: spec.name,
    observed_filename: [spec.path],
    file_desc: spec.desc,
    file_version: spec.version,
    product_version: spec.version.split(" ")[0] ?? "",
    product_name: spec.product,
    company_name: spec.company,
    legal_copyright: spec.company ? `\u00a9 ${spec.company}. All rights reserved.` : "",
    legal_trademark: "",
    comments: "",
    private_build: "",
    special_build: "",
    digsig_result: spec.signed ? "Signed" : "Unsigned",
    signed: spec.signed ? "Signed" : "Unsigned",
    digsig_result_code: spec.signed ? "0" : "2148204800",
    digsig_publisher: spec.signed ? spec.company : "",
    digsig_issuer: spec.signed ? "Microsoft Windows Production PCA 2011" : "",
    digsig_subject: spec.signed ? spec.company : "",
    digsig_prog_name: spec.signed ? spec.product : "",
    digsig_sign_time: spec.signed ? "2012-07-26T02:21:00Z" : "",
    orig_mod_len: spec.size,
    copied_mod_len: 0,
    is_64bit: spec.is64,
    is_executable_image: spec.exe,
    os_type: spec.elf ? "Linux" : "Windows",
    endpoint: seen,
    host_count: seen.length,
    group: groups.length ? groups : ["Default Group"],
    server_added_timestamp: spec.added,
    timestamp: spec.added,
    last_seen: spec.added.replace(/T\d\d/, "T23"),
    watchlists: [],
    event_partition_id: [97381305679872],
    facet_id: mixSeed(spec.md5) % 200000,
    cb_version: 600,
    icon: ICON,
  };
  if (spec.vt !== undefined) {
    doc.alliance_score_virustotal = String(spec.vt);
    doc.alliance_link_virustotal =
      `https://www.virustotal.com/file/${spec.md5.toLowerCase()}/analysis/`;
  }
  return { md5: spec.md5, doc, size: spec.size, magic: spec.elf ? "ELF" : "MZ" };
}

const DOS_STUB = new TextEncoder().encode("This program cannot be run in DOS mode.\r\r\n$");
const BLOCK = 4096;

function block(md5: string): Uint8Array {
  const rng = new Rng(mixSeed("filedata", md5));
  const b = new Uint8Array(BLOCK);
  // Mostly zeros and small values, like real code sections; it keeps deflate fast.
  for (let i = 0; i < BLOCK; i++) b[i] = rng.next() < 0.5 ? 0 : rng.int(0, 255);
  return b;
}

function header(record: BinaryRecord): Uint8Array {
  const h = new Uint8Array(0x98);
  if (record.magic === "ELF") {
    h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    return h.subarray(0, 0x80);
  }
  h.set([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]);
  const view = new DataView(h.buffer);
  view.setUint32(0x3c, 0x80, true);
  h.set(DOS_STUB, 0x4e);
  // The PE signature and COFF file header: machine, 3 sections, and a link time a month before
  // the server first saw the file.
  h.set([0x50, 0x45, 0, 0], 0x80);
  view.setUint16(0x84, record.doc.is_64bit === true ? 0x8664 : 0x014c, true);
  view.setUint16(0x86, 3, true);
  const seen = Date.parse(String(record.doc.server_added_timestamp ?? ""));
  const linked = Number.isNaN(seen) ? 0x57d0bd39 : Math.floor(seen / 1000) - 30 * 86400;
  view.setUint32(0x88, linked >>> 0, true);
  return h;
}

/** The deterministic file content of a binary, in chunks of at most `chunkSize` bytes. */
export async function* fileChunks(
  record: BinaryRecord,
  chunkSize = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  const head = header(record);
  const body = block(record.md5);
  const chunk = new Uint8Array(chunkSize);
  for (let i = 0; i < chunkSize; i++) chunk[i] = body[i % BLOCK]!;
  let sent = 0;
  while (sent < record.size) {
    const n = Math.min(chunkSize, record.size - sent);
    const out = chunk.slice(0, n);
    if (sent === 0) out.set(head.subarray(0, Math.min(head.length, n)));
    sent += n;
    yield out;
  }
}

/** The whole file content (small binaries). */
export async function fileBytes(record: BinaryRecord): Promise<Uint8Array> {
  const out = new Uint8Array(record.size);
  let at = 0;
  for await (const c of fileChunks(record)) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
