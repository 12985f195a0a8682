/**
 * The wire shapes the commands of {@linkcode LiveResponseSession} return.
 *
 * @module
 */

// deno-lint-ignore no-unused-vars -- imported for the {@linkcode} references below
import type { LiveResponseSession } from "./session.ts";

/** One entry of {@linkcode LiveResponseSession.listDirectory}. */
export interface DirectoryEntry {
  /** File or directory name (`.` and `..` included). */
  filename: string;
  /** `DIRECTORY`, `ARCHIVE`, `HIDDEN`, ... */
  attributes: string[];
  /** Size in bytes. */
  size: number;
  /** Creation time (epoch seconds). */
  create_time: number;
  /** Last access (epoch seconds). */
  last_access_time: number;
  /** Last write (epoch seconds). */
  last_write_time: number;
}

/** One process of {@linkcode LiveResponseSession.listProcesses}. */
export interface ProcessEntry {
  /** Process id. */
  pid: number;
  /** Parent process id. */
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

/** A registry value. */
export interface RegistryValue {
  /** Value name. */
  value_name: string;
  /** `REG_SZ`, `REG_DWORD`, ... */
  value_type: string;
  /** The data. */
  value_data: unknown;
}

/** The answer of {@linkcode LiveResponseSession.listRegistryKeysAndValues}. */
export interface RegistryListing {
  /** Values of the key. */
  values: RegistryValue[];
  /** Names of the sub-keys. */
  sub_keys: string[];
}
