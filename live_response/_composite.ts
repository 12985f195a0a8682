// Composite Live Response operations built on the session's commands: walk, create process
// (with its temporary output file) and the registry value type inference.

import type { CommandOptions, DirectoryEntry, LiveResponseSession } from "./session.ts";
import type { FileBytes } from "./file_bytes.ts";
import { checkTimeUnits } from "../core/_internal.ts";

/** Options of {@linkcode LiveResponseSession.walk}. */
export interface WalkOptions extends CommandOptions {
  /**
   * Yield a directory before its sub-directories (and let the caller prune `dirNames`).
   *
   * @default true
   */
  topdown?: boolean;
  /**
   * Called with the error when a directory cannot be listed; that branch is skipped. Without it
   * listing errors are ignored, as `os.walk` does.
   *
   * @default undefined
   */
  onError?: (error: unknown) => void;
  /**
   * Accepted for parity with the Python library; links cannot be told apart and are always
   * followed.
   *
   * @default false
   */
  followLinks?: boolean;
}

/** One step of a walk: the directory, its sub-directory names, its file names. */
export type WalkEntry = [dir: string, dirNames: string[], fileNames: string[]];

/** Options of {@linkcode LiveResponseSession.createProcess}. */
export interface CreateProcessOptions extends CommandOptions {
  /**
   * Wait for the process and return its output (forces `waitForCompletion`).
   *
   * @default true
   */
  waitForOutput?: boolean;
  /**
   * Where the endpoint writes the output; a temporary name when waiting for output.
   *
   * @default undefined
   */
  remoteOutputFileName?: string;
  /**
   * Working directory of the new process.
   *
   * @default undefined
   */
  workingDirectory?: string;
  /**
   * How long to wait for the process, in milliseconds.
   *
   * @default 30000
   */
  waitTimeoutMs?: number;
  /**
   * Wait until the process exits.
   *
   * @default true
   */
  waitForCompletion?: boolean;
}

/** Registry value types. */
export type RegistryValueType =
  | "REG_SZ"
  | "REG_EXPAND_SZ"
  | "REG_MULTI_SZ"
  | "REG_DWORD"
  | "REG_QWORD"
  | "REG_BINARY";

/** Options of {@linkcode LiveResponseSession.setRegistryValue}. */
export interface SetRegistryValueOptions extends CommandOptions {
  /**
   * Replace an existing value.
   *
   * @default true
   */
  overwrite?: boolean;
  /**
   * The value type; inferred from the value when absent.
   *
   * @default undefined
   */
  valueType?: RegistryValueType;
}

export async function* walkDirectory(
  session: LiveResponseSession,
  top: string,
  options: WalkOptions,
): AsyncGenerator<[string, string[], string[]]> {
  const { topdown = true, onError, followLinks: _f, ...command } = options;
  let entries: DirectoryEntry[];
  try {
    entries = await session.listDirectory(session.pathJoin(top, "*"), command);
  } catch (err) {
    if (command.signal?.aborted) throw command.signal.reason;
    onError?.(err);
    return;
  }
  const dirs: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.attributes?.includes("DIRECTORY")) {
      if (entry.filename !== "." && entry.filename !== "..") dirs.push(entry.filename);
    } else {
      files.push(entry.filename);
    }
  }
  if (topdown) yield [top, dirs, files];
  for (const name of [...dirs]) {
    if (topdown && !dirs.includes(name)) continue;
    yield* walkDirectory(session, session.pathJoin(top, name), options);
  }
  if (!topdown) yield [top, dirs, files];
}

export async function createProcessCommand(
  session: LiveResponseSession,
  command: string,
  options: CreateProcessOptions,
): Promise<FileBytes | undefined> {
  checkTimeUnits(options, "createProcess()");
  const {
    waitForOutput = true,
    remoteOutputFileName,
    workingDirectory,
    waitTimeoutMs: waitTimeout = 30_000,
    waitForCompletion: asked = true,
    ...request
  } = options;
  const waitForCompletion = waitForOutput || asked;
  const fields: Record<string, unknown> = { object: command, wait: waitForCompletion };
  const outputFile = remoteOutputFileName ||
    (waitForOutput ? session.temporaryFileName() : undefined);
  if (outputFile) fields.output_file = outputFile;
  if (workingDirectory) fields.working_directory = workingDirectory;
  const posted = await session.postCommand("create process", fields, request);
  if (waitForCompletion) {
    await session.waitCommand(posted.id, "create process", { ...request, timeoutMs: waitTimeout });
  }
  if (!waitForOutput || !outputFile) return undefined;
  const output = await session.getFile(outputFile, request);
  await session.postCommand("delete file", { object: outputFile }, request);
  return output;
}

export function registryValueCommand(
  key: string,
  value: unknown,
  options: SetRegistryValueOptions,
): Record<string, unknown> {
  let valueType = options.valueType;
  let data = value;
  if (valueType === undefined) {
    if (typeof value === "number" && Number.isInteger(value)) valueType = "REG_DWORD";
    else if (Array.isArray(value)) valueType = "REG_MULTI_SZ";
    else {
      valueType = "REG_SZ";
      data = typeof value === "boolean" ? (value ? "True" : "False") : String(value);
    }
  }
  return {
    object: key,
    overwrite: options.overwrite ?? true,
    value_type: valueType,
    value_data: data,
  };
}
