/**
 * What each Live Response command does to a virtual endpoint: the result fields of a completed
 * command, or a Win32 error code.
 *
 * @module
 */
import type { ProcessRow, VirtualEndpoint } from "./_endpoint.ts";
import { commandOutput } from "./_outputs.ts";

/** Win32 error codes the emulator reports. */
export const WIN32 = {
  FILE_NOT_FOUND: 2,
  PATH_NOT_FOUND: 3,
  ACCESS_DENIED: 5,
  FILE_EXISTS: 80,
  INVALID_PARAMETER: 87,
  DIR_NOT_EMPTY: 145,
  ALREADY_EXISTS: 183,
  DIRECTORY: 267,
} as const;

/** A command's outcome. */
export type CommandOutcome =
  | { ok: true; fields: Record<string, unknown> }
  | { ok: false; win32: number };

/** Everything a command may read besides its own fields. */
export interface CommandInput {
  /** The command body as posted. */
  body: Record<string, unknown>;
  /** Uploaded files of the session, by id. */
  uploads: Map<number, Uint8Array>;
  /** Registers file content for `get file` under the command's file id. */
  publish: (node: { data?: Uint8Array; generatedSize?: number }) => void;
}

/** The Windows command names; other OSes lack the registry and memdump. */
export const WINDOWS_COMMANDS: readonly string[] = [
  "delete file",
  "put file",
  "reg delete key",
  "directory list",
  "reg create key",
  "get file",
  "reg enum key",
  "reg query value",
  "kill",
  "create process",
  "process list",
  "reg delete value",
  "reg set value",
  "create directory",
  "memdump",
];

/** Commands of a non-Windows sensor. */
export const POSIX_COMMANDS: readonly string[] = WINDOWS_COMMANDS.filter((c) =>
  !c.startsWith("reg ") && c !== "memdump"
);

const PING = "\r\nPinging 192.168.1.1 with 32 bytes of data:\r\n" +
  "Reply from 192.168.1.1: bytes=32 time<1ms TTL=64\r\n".repeat(4);

function fail(win32: number): CommandOutcome {
  return { ok: false, win32 };
}

function ok(fields: Record<string, unknown> = {}): CommandOutcome {
  return { ok: true, fields };
}

/** Runs one command against the endpoint. */
export function runCommand(ep: VirtualEndpoint, input: CommandInput): CommandOutcome {
  const body = input.body;
  const object = body.object;
  const path = typeof object === "string" ? object : "";
  switch (body.name) {
    case "get file": {
      const n = ep.node(path);
      if (!n) return fail(WIN32.FILE_NOT_FOUND);
      if (n.dir) return fail(WIN32.ACCESS_DENIED);
      input.publish(n);
      return ok();
    }
    case "delete file": {
      const key = ep.key(path);
      const n = ep.files.get(key);
      if (!n) return fail(WIN32.FILE_NOT_FOUND);
      if (n.dir && ep.children(key).length > 0) return fail(WIN32.DIR_NOT_EMPTY);
      ep.files.delete(key);
      return ok();
    }
    case "put file": {
      const data = input.uploads.get(Number(body.file_id));
      if (!data) return fail(WIN32.INVALID_PARAMETER);
      const key = ep.key(path);
      if (ep.files.has(key)) return fail(WIN32.FILE_EXISTS);
      const parent = ep.parent(key);
      if (parent === undefined || !ep.files.get(parent)?.dir) return fail(WIN32.PATH_NOT_FOUND);
      ep.writeFile(path, data);
      return ok();
    }
    case "directory list": {
      const key = ep.key(path);
      const dir = ep.files.get(key);
      if (!dir) return fail(WIN32.PATH_NOT_FOUND);
      if (!dir.dir) return fail(WIN32.DIRECTORY);
      const entry = (name: string, n: typeof dir) => ({
        filename: name,
        attributes: n.dir ? ["DIRECTORY"] : ["ARCHIVE"],
        size: n.dir ? 0 : n.generatedSize ?? n.data?.length ?? 0,
        create_time: n.ctime,
        last_access_time: n.atime,
        last_write_time: n.mtime,
      });
      const files = [entry(".", dir), entry("..", dir)];
      for (const child of ep.children(key)) files.push(entry(child.name, child));
      return ok({ files });
    }
    case "create directory": {
      const key = ep.key(path);
      if (ep.files.has(key)) return fail(WIN32.ALREADY_EXISTS);
      const parent = ep.parent(key);
      if (parent === undefined || !ep.files.get(parent)?.dir) return fail(WIN32.PATH_NOT_FOUND);
      ep.mkdir(path);
      return ok();
    }
    case "kill": {
      const pid = Number(object);
      const at = ep.processes.findIndex((p) => p.pid === pid);
      if (at < 0) return fail(WIN32.INVALID_PARAMETER);
      if (pid === 4) return fail(WIN32.ACCESS_DENIED);
      ep.processes.splice(at, 1);
      return ok();
    }
    case "create process":
      return createProcess(ep, body);
    case "process list":
      return ok({ processes: ep.processes.map((p) => ({ ...p })) });
    case "reg enum key": {
      const k = ep.regKey(path);
      const key = ep.registry.get(k);
      if (!key) return fail(WIN32.FILE_NOT_FOUND);
      return ok({
        values: [...key.values.values()].map((v) => ({ ...v })),
        sub_keys: ep.subKeys(k),
      });
    }
    case "reg query value": {
      const { key, name } = splitValue(ep, path);
      const value = key?.values.get(name.toLowerCase());
      if (!value) return fail(WIN32.FILE_NOT_FOUND);
      return ok({ value: { ...value } });
    }
    case "reg set value": {
      const { key, name } = splitValue(ep, path);
      if (!key) return fail(WIN32.FILE_NOT_FOUND);
      if (key.values.has(name.toLowerCase()) && body.overwrite === false) {
        return fail(WIN32.ALREADY_EXISTS);
      }
      key.values.set(name.toLowerCase(), {
        value_name: name,
        value_type: String(body.value_type ?? "REG_SZ"),
        value_data: body.value_data,
      });
      return ok();
    }
    case "reg create key":
      ep.createKey(path);
      return ok();
    case "reg delete key": {
      const k = ep.regKey(path);
      if (!ep.registry.has(k)) return fail(WIN32.FILE_NOT_FOUND);
      if (ep.subKeys(k).length > 0) return fail(WIN32.ACCESS_DENIED);
      ep.registry.delete(k);
      return ok();
    }
    case "reg delete value": {
      const { key, name } = splitValue(ep, path);
      if (!key?.values.delete(name.toLowerCase())) return fail(WIN32.FILE_NOT_FOUND);
      return ok();
    }
    case "memdump": {
      const target = body.compress === true ? `${path}.zip` : path;
      const parent = ep.parent(ep.key(target));
      if (parent === undefined || !ep.files.get(parent)?.dir) return fail(WIN32.PATH_NOT_FOUND);
      const dump = new Uint8Array(64 * 1024);
      dump.set([0x4d, 0x44, 0x4d, 0x50]); // "MDMP"
      ep.writeFile(target, body.compress === true ? zipLike(dump) : dump);
      return ok({ return_code: 0 });
    }
    default:
      return fail(WIN32.INVALID_PARAMETER);
  }
}

function splitValue(ep: VirtualEndpoint, path: string) {
  const clean = path.replaceAll("/", "\\");
  const at = clean.lastIndexOf("\\");
  return {
    key: ep.registry.get(ep.regKey(clean.slice(0, Math.max(0, at)))),
    name: clean.slice(at + 1),
  };
}

function zipLike(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 4);
  out.set([0x50, 0x4b, 0x03, 0x04]);
  out.set(data, 4);
  return out;
}

/** The output a command line prints on the virtual endpoint. */
export function processOutput(ep: VirtualEndpoint, command: string): string {
  const known = commandOutput(ep, command);
  if (known !== undefined) return known;
  const echo = command.match(/\becho\s+(.*?)"?$/i);
  if (echo) return `${echo[1]}\r\n`;
  if (/\bping(\.exe)?\b/i.test(command)) return PING;
  if (/\bhostname\b/i.test(command)) return `${ep.hostname}\r\n`;
  if (/\bwhoami\b/i.test(command)) return "nt authority\\system\r\n";
  return "";
}

function createProcess(ep: VirtualEndpoint, body: Record<string, unknown>): CommandOutcome {
  const command = String(body.object ?? "");
  if (command.trim() === "") return fail(WIN32.INVALID_PARAMETER);
  if (typeof body.working_directory === "string" && !ep.node(body.working_directory)?.dir) {
    return fail(WIN32.DIRECTORY);
  }
  const image = command.match(/^"([^"]+)"|^(\S+)/);
  const row: ProcessRow = ep.spawn((image?.[1] ?? image?.[2] ?? command).toLowerCase(), command);
  if (typeof body.output_file === "string") {
    ep.writeFile(body.output_file, processOutput(ep, command));
  }
  if (body.wait === true) ep.processes.splice(ep.processes.indexOf(row), 1);
  return ok({ pid: row.pid, return_code: 0 });
}
