/**
 * Helpers for the emulator tests: authenticated fetches that always consume the body, and an
 * independent ZIP reader (it does not use the emulator's writer).
 *
 * @module
 */
import { crc32 } from "node:zlib";
import type { CbEmulator } from "@cbapi/cbapi/testing";

/** A consumed response. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  json: any;
}

/** An HTTP client trusting the emulator's certificate (any client works for plain HTTP). */
export function emuClient(emu: CbEmulator): Deno.HttpClient {
  return Deno.createHttpClient({ caCerts: emu.certPem ? [emu.certPem] : [] });
}

/**
 * Fetches `path` from the emulator with its token (unless `token` is given) and reads the body;
 * over HTTPS with a client trusting the emulator's certificate unless `client` is given.
 */
export async function call(
  emu: CbEmulator,
  path: string,
  init: RequestInit & { token?: string | null; client?: Deno.HttpClient } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? emu.token : init.token;
  if (token !== null) headers.set("X-Auth-Token", token);
  using own = init.client || !emu.certPem ? undefined : emuClient(emu);
  const client = init.client ?? own;
  const res = await fetch(`${emu.url}${path}`, { ...init, headers, ...(client ? { client } : {}) });
  const text = await res.text();
  let json: unknown = undefined;
  if (text && res.headers.get("content-type")?.includes("application/json")) {
    json = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Sends a JSON body. */
export function send(
  emu: CbEmulator,
  method: string,
  path: string,
  body: unknown,
): Promise<Answer> {
  return call(emu, path, {
    method,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
}

/** Form-encodes search parameters the way the Python client does (space as `+`). */
export function qs(params: Record<string, string | number | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
  }
  return p.toString();
}

/** One ZIP member. */
export interface UnzippedMember {
  name: string;
  data: Uint8Array;
  flags: number;
  crcOk: boolean;
}

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Reads a whole ZIP archive through its central directory. */
export async function unzip(zip: Uint8Array): Promise<UnzippedMember[]> {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && v.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error("no end of central directory");
  const count = v.getUint16(end + 10, true);
  let at = v.getUint32(end + 16, true);
  const out: UnzippedMember[] = [];
  for (let i = 0; i < count; i++) {
    if (v.getUint32(at, true) !== 0x02014b50) throw new Error("bad central header");
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const crc = v.getUint32(at + 16, true);
    const csize = v.getUint32(at + 20, true);
    const nameLen = v.getUint16(at + 28, true);
    const extraLen = v.getUint16(at + 30, true);
    const commentLen = v.getUint16(at + 32, true);
    const local = v.getUint32(at + 42, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLen));
    const lNameLen = v.getUint16(local + 26, true);
    const lExtraLen = v.getUint16(local + 28, true);
    const start = local + 30 + lNameLen + lExtraLen;
    const raw = zip.subarray(start, start + csize);
    const data = method === 8 ? await inflate(raw) : raw.slice();
    out.push({ name, data, flags, crcOk: (crc32(data) >>> 0) === crc });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
