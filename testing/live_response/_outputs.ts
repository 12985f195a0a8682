/**
 * What common command lines print on a virtual endpoint (`ipconfig`, `netstat -ano`, `tasklist`,
 * `whoami`, `dir`, `ps`, `ifconfig`), in the layout of the real Windows and Linux tools, and the
 * outputs added through the admin surface (`/__emulator/live-response/.../outputs`).
 *
 * @module
 */
import type { FsNode, VirtualEndpoint } from "./_endpoint.ts";

/** An output added for command lines containing `match` (case-insensitive), newest first. */
interface CustomOutput {
  match: string;
  output: string;
}

const CUSTOM = new WeakMap<VirtualEndpoint, CustomOutput[]>();

/**
 * Makes command lines containing `match` (case-insensitive) print `output` on this endpoint; a
 * later output for the same `match` replaces the earlier one.
 */
export function setCommandOutput(ep: VirtualEndpoint, match: string, output: string): void {
  const list = (CUSTOM.get(ep) ?? []).filter((c) => c.match.toLowerCase() !== match.toLowerCase());
  list.unshift({ match, output });
  CUSTOM.set(ep, list);
}

/** The outputs added to an endpoint, newest first. */
export function commandOutputs(ep: VirtualEndpoint): readonly CustomOutput[] {
  return CUSTOM.get(ep) ?? [];
}

/** Stable small number from a host name (for addresses and ports). */
function hostNumber(ep: VirtualEndpoint): number {
  let h = 7;
  for (const c of ep.hostname) h = (h * 31 + c.charCodeAt(0)) % 200;
  return h + 20;
}

function crlf(lines: string[], windows: boolean): string {
  return lines.join(windows ? "\r\n" : "\n") + (windows ? "\r\n" : "\n");
}

function ipconfig(ep: VirtualEndpoint): string {
  const n = hostNumber(ep);
  return crlf([
    "",
    "Windows IP Configuration",
    "",
    "",
    "Ethernet adapter Ethernet0:",
    "",
    "   Connection-specific DNS Suffix  . : corp.example",
    `   Link-local IPv6 Address . . . . . : fe80::2d4c:9e1a:7b3f:${n.toString(16)}%11`,
    `   IPv4 Address. . . . . . . . . . . : 10.0.3.${n}`,
    "   Subnet Mask . . . . . . . . . . . : 255.255.255.0",
    "   Default Gateway . . . . . . . . . : 10.0.3.1",
    "",
    "Tunnel adapter isatap.corp.example:",
    "",
    "   Media State . . . . . . . . . . . : Media disconnected",
    "   Connection-specific DNS Suffix  . : corp.example",
  ], true);
}

function ifconfig(ep: VirtualEndpoint): string {
  const n = hostNumber(ep);
  return crlf([
    "eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500",
    `        inet 10.0.3.${n}  netmask 255.255.255.0  broadcast 10.0.3.255`,
    "        ether 00:50:56:a1:2b:3c  txqueuelen 1000  (Ethernet)",
    "",
    "lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536",
    "        inet 127.0.0.1  netmask 255.0.0.0",
    "        loop  txqueuelen 1000  (Local Loopback)",
  ], false);
}

function imageName(path: string): string {
  return path.split(/[\\/]/).pop() || "System";
}

function netstat(ep: VirtualEndpoint): string {
  const n = hostNumber(ep);
  const pidOf = (name: string, fallback: number) =>
    ep.processes.find((p) => imageName(p.path).toLowerCase() === name)?.pid ?? fallback;
  const row = (proto: string, local: string, remote: string, state: string, pid: number) =>
    `  ${proto.padEnd(7)}${local.padEnd(23)}${remote.padEnd(23)}${state.padEnd(16)}${pid}`;
  return crlf([
    "",
    "Active Connections",
    "",
    "  Proto  Local Address          Foreign Address        State           PID",
    row("TCP", "0.0.0.0:135", "0.0.0.0:0", "LISTENING", pidOf("svchost.exe", 812)),
    row("TCP", "0.0.0.0:445", "0.0.0.0:0", "LISTENING", 4),
    row("TCP", "0.0.0.0:49664", "0.0.0.0:0", "LISTENING", pidOf("wininit.exe", 472)),
    row("TCP", `10.0.3.${n}:139`, "0.0.0.0:0", "LISTENING", 4),
    row("TCP", `10.0.3.${n}:49731`, "203.0.113.7:443", "ESTABLISHED", pidOf("explorer.exe", 1820)),
    row("TCP", `10.0.3.${n}:49802`, "10.0.3.5:443", "ESTABLISHED", pidOf("cb.exe", 1204)),
    row("UDP", "0.0.0.0:123", "*:*", "", pidOf("svchost.exe", 812)),
  ], true);
}

function tasklist(ep: VirtualEndpoint): string {
  const lines = [
    "",
    "Image Name                     PID Session Name        Session#    Mem Usage",
    "========================= ======== ================ =========== ============",
  ];
  for (const p of ep.processes) {
    const image = imageName(p.path);
    const name = p.pid === 4 ? "System" : image.includes(".") ? image : `${image}.exe`;
    const session = p.username.startsWith("NT AUTHORITY") ? ["Services", 0] : ["Console", 1];
    const mem = `${(((p.pid * 2654435761) >>> 0) % 90_000 + 1_000).toLocaleString("en-US")} K`;
    lines.push(
      `${name.slice(0, 25).padEnd(25)} ${String(p.pid).padStart(8)} ${
        String(session[0]).padEnd(16)
      } ${String(session[1]).padStart(11)} ${mem.padStart(12)}`,
    );
  }
  return crlf(lines, true);
}

function ps(ep: VirtualEndpoint): string {
  const lines = ["  PID TTY          TIME CMD"];
  for (const p of ep.processes) {
    lines.push(`${String(p.pid).padStart(5)} ?        00:00:01 ${imageName(p.path) || "init"}`);
  }
  return crlf(lines, false);
}

function stamp(sec: number): string {
  const d = new Date(sec * 1000);
  const mm = String(d.getUTCMonth() + 1).padStart(2, "0");
  const dd = String(d.getUTCDate()).padStart(2, "0");
  let h = d.getUTCHours();
  const ampm = h >= 12 ? "PM" : "AM";
  h = h % 12 || 12;
  const min = String(d.getUTCMinutes()).padStart(2, "0");
  return `${mm}/${dd}/${d.getUTCFullYear()}  ${String(h).padStart(2, "0")}:${min} ${ampm}`;
}

function size(n: FsNode): number {
  return n.generatedSize ?? n.data?.length ?? 0;
}

function dir(ep: VirtualEndpoint, command: string): string {
  const arg = command.replace(/^.*?\bdir\b/i, "").trim().replace(/^"|"$/g, "")
    .split(/\s+\/\w+/).join("").trim();
  const path = arg === "" ? "C:\\Windows\\CarbonBlack" : arg;
  const node = ep.node(path);
  if (!node) return "File Not Found\r\n";
  const shown = path.replace(/[\\/]+$/, "") || path;
  const lines = [
    " Volume in drive C has no label.",
    " Volume Serial Number is 5C2E-1B7A",
    "",
    ` Directory of ${shown}`,
    "",
  ];
  const items = node.dir ? ep.children(ep.key(path)) : [node];
  let files = 0;
  let bytes = 0;
  let dirs = 0;
  for (const n of items) {
    if (n.dir) {
      dirs++;
      lines.push(`${stamp(n.mtime)}    <DIR>          ${n.name}`);
    } else {
      files++;
      bytes += size(n);
      lines.push(`${stamp(n.mtime)}${size(n).toLocaleString("en-US").padStart(18)} ${n.name}`);
    }
  }
  lines.push(
    `${String(files).padStart(16)} File(s)${bytes.toLocaleString("en-US").padStart(15)} bytes`,
    `${String(dirs).padStart(16)} Dir(s)  42,949,672,960 bytes free`,
  );
  return crlf(lines, true);
}

function ls(ep: VirtualEndpoint, command: string): string {
  const arg = command.replace(/^.*?\bls\b/, "").replace(/\s-\w+/g, "").trim() || "/";
  const node = ep.node(arg);
  if (!node) return "";
  const items = node.dir ? ep.children(ep.key(arg)) : [node];
  return crlf(items.map((n) => n.name), false);
}

/**
 * The output of a command line on the virtual endpoint: an added output when one matches, else
 * the built-in form of the common commands, else `undefined`.
 */
export function commandOutput(ep: VirtualEndpoint, command: string): string | undefined {
  const lower = command.toLowerCase();
  for (const c of commandOutputs(ep)) if (lower.includes(c.match.toLowerCase())) return c.output;
  // The first word after an optional `cmd.exe /c` wrapper names the tool.
  const tool = lower.replace(/^\s*(?:"?[^"\s]*cmd(?:\.exe)?"?\s+\/c\s+)/, "").trim()
    .split(/\s+/)[0]?.replace(/^.*[\\/]/, "").replace(/\.exe$/, "") ?? "";
  if (ep.windows) {
    if (tool === "ipconfig") return ipconfig(ep);
    if (tool === "netstat") return netstat(ep);
    if (tool === "tasklist") return tasklist(ep);
    if (tool === "dir") return dir(ep, command);
  } else {
    if (tool === "ifconfig" || tool === "ip") return ifconfig(ep);
    if (tool === "ps") return ps(ep);
    if (tool === "ls") return ls(ep, command);
    if (tool === "whoami") return "root\n";
  }
  return undefined;
}
