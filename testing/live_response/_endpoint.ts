/**
 * A virtual endpoint for Live Response: a file system, a registry and a process table that
 * commands read and change. Windows paths are case-insensitive with `\`; others use `/`.
 *
 * @module
 */

const ENCODER = new TextEncoder();

/** A file or directory. */
export interface FsNode {
  /** Name as created (original case). */
  name: string;
  /** Whether it is a directory. */
  dir: boolean;
  /** Content of a small file. */
  data?: Uint8Array;
  /** Size of a generated (large, streamed) file. */
  generatedSize?: number;
  /** Creation time (epoch seconds). */
  ctime: number;
  /** Last access (epoch seconds). */
  atime: number;
  /** Last write (epoch seconds). */
  mtime: number;
}

/** A registry value. */
export interface RegValue {
  /** Value name. */
  value_name: string;
  /** `REG_SZ`, `REG_DWORD`, ... */
  value_type: string;
  /** The data. */
  value_data: unknown;
}

/** A registry key. */
export interface RegKey {
  /** Key name (last part, original case). */
  name: string;
  /** Values by lower-case name. */
  values: Map<string, RegValue>;
}

/** A process row as `process list` reports it. */
export interface ProcessRow {
  /** Process id. */
  pid: number;
  /** Parent pid. */
  parent: number;
  /** Parent GUID. */
  parent_guid: string;
  /** Process GUID. */
  proc_guid: string;
  /** Image path. */
  path: string;
  /** Command line. */
  command_line: string;
  /** Start (epoch seconds). */
  create_time: number;
  /** User SID. */
  sid: string;
  /** User name. */
  username: string;
}

const T0 = 1515775878;

/** One endpoint's virtual machine state. */
export class VirtualEndpoint {
  /** 1 Windows, other values non-Windows. */
  readonly osType: number;
  /** Host name. */
  readonly hostname: string;
  /** Files and directories by normalised path. */
  readonly files: Map<string, FsNode> = new Map();
  /** Registry keys by normalised path. */
  readonly registry: Map<string, RegKey> = new Map();
  /** Running processes. */
  readonly processes: ProcessRow[] = [];
  /** The next pid handed out. */
  nextPid = 5000;

  /** Builds a seeded endpoint. */
  constructor(osType: number, hostname: string, generated: { path: string; size: number }[] = []) {
    this.osType = osType;
    this.hostname = hostname;
    if (osType === 1) seedWindows(this);
    else seedPosix(this);
    for (const g of generated) this.writeFile(g.path, undefined, g.size);
  }

  /** Whether paths are Windows paths. */
  get windows(): boolean {
    return this.osType === 1;
  }

  /** The path separator. */
  get sep(): string {
    return this.windows ? "\\" : "/";
  }

  /** Normalised key of a path (a trailing separator or `*` is ignored). */
  key(path: string): string {
    let p = this.windows ? path.replaceAll("/", "\\") : path;
    p = p.replace(this.windows ? /\\?\*$/ : /\/?\*$/, "");
    while (p.length > 1 && p.endsWith(this.sep)) p = p.slice(0, -1);
    if (this.windows) {
      p = p.toLowerCase();
      if (/^[a-z]:$/.test(p)) return p;
      return p;
    }
    return p === "" ? "/" : p;
  }

  /** The parent key of a key (undefined for a root). */
  parent(key: string): string | undefined {
    if (this.windows) {
      const at = key.lastIndexOf("\\");
      return at < 0 ? undefined : key.slice(0, at);
    }
    if (key === "/") return undefined;
    const at = key.lastIndexOf("/");
    return at <= 0 ? "/" : key.slice(0, at);
  }

  /** The node at a path. */
  node(path: string): FsNode | undefined {
    return this.files.get(this.key(path));
  }

  /** The nodes directly inside a directory key. */
  children(key: string): FsNode[] {
    const out: FsNode[] = [];
    for (const [k, n] of this.files) if (this.parent(k) === key) out.push(n);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates a directory (parents must exist unless `parents`). */
  mkdir(path: string, parents = false): void {
    const key = this.key(path);
    const parent = this.parent(key);
    if (parent !== undefined && !this.files.has(parent)) {
      if (!parents) throw new Error("no parent");
      this.mkdir(parent, true);
    }
    this.files.set(key, node(lastPart(path, this.sep), true));
  }

  /** Writes a file (creating parents). */
  writeFile(path: string, data: Uint8Array | string | undefined, generatedSize?: number): void {
    const key = this.key(path);
    const parent = this.parent(key);
    if (parent !== undefined && !this.files.has(parent)) this.mkdir(parent, true);
    const n = node(lastPart(path, this.sep), false);
    if (generatedSize !== undefined) n.generatedSize = generatedSize;
    else n.data = typeof data === "string" ? ENCODER.encode(data) : data ?? new Uint8Array();
    this.files.set(key, n);
  }

  /** Normalised registry key. */
  regKey(path: string): string {
    return path.replaceAll("/", "\\").replace(/\\+$/, "").toLowerCase()
      .replace(/^hkey_local_machine/, "hklm").replace(/^hkey_current_user/, "hkcu");
  }

  /** Creates a registry key and its parents. */
  createKey(path: string): RegKey {
    const k = this.regKey(path);
    const existing = this.registry.get(k);
    if (existing) return existing;
    const at = k.lastIndexOf("\\");
    if (at > 0) this.createKey(path.replaceAll("/", "\\").replace(/\\+$/, "").slice(0, at));
    const key: RegKey = { name: lastPart(path.replace(/\\+$/, ""), "\\"), values: new Map() };
    this.registry.set(k, key);
    return key;
  }

  /** Sets a value (creating the key). */
  setValue(path: string, name: string, type: string, data: unknown): void {
    this.createKey(path).values.set(name.toLowerCase(), {
      value_name: name,
      value_type: type,
      value_data: data,
    });
  }

  /** Sub-key names of a key. */
  subKeys(k: string): string[] {
    const out: string[] = [];
    for (const [path, key] of this.registry) {
      if (path.lastIndexOf("\\") > 0 && path.slice(0, path.lastIndexOf("\\")) === k) {
        out.push(key.name);
      }
    }
    return out;
  }

  /** Adds a process and returns it. */
  spawn(path: string, commandLine: string, parent = 4): ProcessRow {
    const pid = this.nextPid;
    this.nextPid += 4;
    const row = processRow(pid, parent, path, commandLine, "NT AUTHORITY\\SYSTEM");
    this.processes.push(row);
    return row;
  }
}

function lastPart(path: string, sep: string): string {
  const parts = path.split(sep === "\\" ? /[\\/]/ : /\//).filter((p) => p !== "" && p !== "*");
  return parts[parts.length - 1] ?? path;
}

function node(name: string, dir: boolean): FsNode {
  const now = Math.floor(Date.now() / 1000);
  return { name, dir, ctime: now, atime: now, mtime: now };
}

function guid(pid: number): string {
  return `00000001-0000-${pid.toString(16).padStart(4, "0")}-01d3-8bc591076338`;
}

function processRow(
  pid: number,
  parent: number,
  path: string,
  commandLine: string,
  username: string,
): ProcessRow {
  return {
    pid,
    parent,
    parent_guid: guid(parent),
    proc_guid: guid(pid),
    path,
    command_line: commandLine,
    create_time: T0 + pid,
    sid: username.startsWith("NT AUTHORITY") ? "s-1-5-18" : "s-1-5-21-1000",
    username,
  };
}

function seedWindows(ep: VirtualEndpoint): void {
  for (const d of ["C:\\", "A:\\", "D:\\"]) ep.files.set(ep.key(d), node(d.slice(0, 2), true));
  ep.writeFile("C:\\test.txt", "this is a test\r\n");
  ep.writeFile("C:\\temp\\test.txt", "");
  ep.writeFile("C:\\temp\\file1.txt", "first file\r\n");
  ep.mkdir("C:\\temp\\dir1");
  ep.writeFile("C:\\temp\\dir1\\a.txt", "a\r\n");
  ep.mkdir("C:\\temp\\dir2");
  ep.mkdir("C:\\Windows\\CarbonBlack", true);
  ep.mkdir("C:\\Windows\\Temp", true);
  const mz = new Uint8Array(512);
  mz.set([0x4d, 0x5a, 0x90, 0x00]);
  ep.writeFile("C:\\Windows\\System32\\notepad.exe", mz);
  const acpi = "HKLM\\SYSTEM\\CurrentControlSet\\services\\ACPI";
  ep.setValue(acpi, "Start", "REG_DWORD", 0);
  ep.setValue(acpi, "Type", "REG_DWORD", 1);
  ep.setValue(acpi, "ErrorControl", "REG_DWORD", 3);
  ep.setValue(acpi, "ImagePath", "REG_EXPAND_SZ", "system32\\drivers\\ACPI.sys");
  ep.setValue(acpi, "DisplayName", "REG_SZ", "Microsoft ACPI Driver");
  ep.setValue(acpi, "Group", "REG_SZ", "Boot Bus Extender");
  ep.setValue(acpi, "DriverPackageId", "REG_SZ", "acpi.inf_x86_neutral_ddd3c514822f1b21");
  ep.setValue(acpi, "Tag", "REG_DWORD", 1);
  ep.createKey(`${acpi}\\Parameters`);
  ep.createKey(`${acpi}\\Enum`);
  const run = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run";
  ep.setValue(
    run,
    "VMware User Process",
    "REG_SZ",
    '"C:\\Program Files\\VMware\\vmtoolsd.exe" -n vmusr',
  );
  const sys = "NT AUTHORITY\\SYSTEM";
  ep.processes.push(
    processRow(4, 0, "", "", sys),
    processRow(340, 4, "c:\\windows\\system32\\smss.exe", "\\SystemRoot\\System32\\smss.exe", sys),
    processRow(
      424,
      416,
      "c:\\windows\\system32\\csrss.exe",
      "%SystemRoot%\\system32\\csrss.exe",
      sys,
    ),
    processRow(472, 416, "c:\\windows\\system32\\wininit.exe", "wininit.exe", sys),
    processRow(1820, 1788, "c:\\windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", "WIN\\dev"),
    processRow(2144, 1820, "c:\\windows\\system32\\notepad.exe", "notepad.exe", "WIN\\dev"),
  );
}

function seedPosix(ep: VirtualEndpoint): void {
  ep.files.set("/", node("/", true));
  ep.mkdir("/tmp");
  ep.writeFile("/etc/hostname", `${ep.hostname}\n`);
  ep.writeFile("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  ep.processes.push(
    processRow(1, 0, "/usr/lib/systemd/systemd", "/usr/lib/systemd/systemd --system", "root"),
    processRow(812, 1, "/usr/sbin/sshd", "/usr/sbin/sshd -D", "root"),
  );
}
