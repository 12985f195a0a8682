/**
 * Helpers shared by the benchmark runner and its child processes: statistics, the child-process
 * protocol (one JSON line on stdout), the connection config file, RSS readings and the table.
 *
 * @module
 */

/** What a child process needs to reach the emulator (written to a temporary file, never logged). */
export interface BenchTarget {
  /** Base URL of the emulator. */
  url: string;
  /** API token. */
  token: string;
  /** Certificate PEM file when the emulator serves HTTPS. */
  certFile?: string;
}

/** The outcome of one child process. */
export interface ChildResult<T> {
  /** The JSON object the child printed last. */
  result: T;
  /** Wall-clock time from spawn to exit, in milliseconds. */
  wallMs: number;
}

/** Options of {@linkcode runDeno}. */
export interface RunDenoOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Permission flags (default: loopback network, read, write, env, sys). */
  permissions?: string[];
}

const ROOT = new URL("../", import.meta.url);

/** The project root folder (the bench runs from a clone; it is never compiled). */
export function projectRoot(): string {
  return decodeURIComponent(ROOT.pathname);
}

/**
 * The median of some numbers.
 *
 * @param values The numbers (at least one).
 * @returns The median.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median() of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Rounds to a number of decimals.
 *
 * @param value The number.
 * @param digits Decimals.
 * @returns The rounded number.
 */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Runs a Deno script of this project in a child process and parses the last line of its stdout
 * as JSON. Asynchronous on purpose: the emulator in this process must keep answering.
 *
 * @param script Path relative to the project root.
 * @param args Script arguments.
 * @param options Environment, working directory, permissions.
 * @returns The parsed result and the wall-clock time.
 * @throws {Error} When the child fails or prints no JSON.
 */
export async function runDeno<T>(
  script: string,
  args: string[] = [],
  options: RunDenoOptions = {},
): Promise<ChildResult<T>> {
  const root = projectRoot();
  const permissions = options.permissions ??
    ["--allow-net=127.0.0.1", "--allow-read", "--allow-write", "--allow-env", "--allow-sys"];
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${root}deno.json`,
      ...permissions,
      `${root}${script}`,
      ...args,
    ],
    cwd: options.cwd ?? root,
    env: options.env ?? {},
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  });
  const t0 = performance.now();
  const out = await command.output();
  const wallMs = performance.now() - t0;
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) {
    throw new Error(`Benchmark child ${script} failed (exit ${out.code}): ${stderr || stdout}`);
  }
  const last = stdout.split("\n").at(-1) ?? "";
  try {
    return { result: JSON.parse(last) as T, wallMs };
  } catch {
    throw new Error(`Benchmark child ${script} printed no JSON line: ${stdout || stderr}`);
  }
}

/**
 * Reads the target file a child was given.
 *
 * @param path The file.
 * @returns The target.
 */
export async function readTarget(path: string): Promise<BenchTarget> {
  return JSON.parse(await Deno.readTextFile(path)) as BenchTarget;
}

/**
 * The resident set size now and its peak so far, in bytes: from `/proc/self/status` (VmRSS,
 * VmHWM) on Linux, else `Deno.memoryUsage().rss` for both.
 *
 * @returns Current and peak RSS.
 */
export async function rssNow(): Promise<{ rss: number; peak: number | undefined }> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    const rss = kb("VmRSS");
    if (rss !== undefined) return { rss, peak: kb("VmHWM") };
  } catch {
    // not Linux: fall back to the runtime's figure
  }
  return { rss: Deno.memoryUsage().rss, peak: undefined };
}

/** One row of the printed table. */
export interface TableRow {
  /** Figure name (the JSON key). */
  name: string;
  /** Measured value, or undefined when not measured. */
  value: number | undefined;
  /** The goal as text (`>= 0.7`). */
  goal: string;
  /** Whether the goal is met (undefined when not measured or no goal). */
  met: boolean | undefined;
  /** What was measured. */
  detail: string;
}

/**
 * Formats the readable table.
 *
 * @param rows The rows.
 * @returns The table text.
 */
export function formatTable(rows: readonly TableRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    r.value === undefined ? "n/a" : String(r.value),
    r.goal,
    r.met === undefined ? "-" : r.met ? "met" : "NOT MET",
    r.detail,
  ]);
  const head = ["figure", "value", "goal", "status", "measured"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => i === 4 ? x : x.padEnd(widths[i]!)).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
