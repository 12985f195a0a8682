/**
 * Reading credential sources for `credentials.ts`: the search path, the environment, the INI
 * files (with their permission warning) and the merge of one profile across files.
 *
 * @module
 */

import { CredentialError } from "./errors.ts";
import { type IniDocument, parseIni } from "./_ini.ts";
import type { Product } from "./credentials.ts";

export interface Entry {
  value: string;
  /** A file path or "environment". */
  file: string;
  section: string;
}

const PRODUCTS: readonly string[] = ["response", "protection", "defense"];
export function assertProduct(product: Product): void {
  if (!PRODUCTS.includes(product)) {
    throw new CredentialError(
      `Cannot use credentials for product "${product}": use "response", "protection" or "defense"`,
    );
  }
}

export function searchPath(product: Product, home: string | undefined, cwd: string): string[] {
  assertProduct(product);
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  const name = `.carbonblack${sep}credentials.${product}`;
  const join = (dir: string) => `${dir.replace(/[\\/]+$/, "") || sep}${sep}${name}`;
  const files = [`${sep}etc${sep}carbonblack${sep}credentials.${product}`];
  if (home) files.push(join(home));
  files.push(join(cwd));
  return files;
}

export function readEnv(): Record<string, string | undefined> {
  const names = ["CBAPI_URL", "CBAPI_TOKEN", "CBAPI_PROFILE", "HOME"];
  if (Deno.build.os === "windows") names.push("USERPROFILE");
  const env: Record<string, string | undefined> = {};
  for (const name of names) {
    try {
      env[name] = Deno.env.get(name);
    } catch (error) {
      throw new CredentialError(
        `Cannot read environment variable "${name}": run with --allow-env=${names.join(",")} ` +
          `(or --allow-env), or pass the env option`,
        { cause: error },
      );
    }
  }
  return env;
}

export async function readFiles(
  files: readonly string[],
  warn: (message: string) => void,
): Promise<{ file: string; doc: IniDocument }[]> {
  const docs: { file: string; doc: IniDocument }[] = [];
  const warned = new Set<string>();
  for (const file of files) {
    let info: Deno.FileInfo;
    let text: string;
    try {
      info = await Deno.stat(file);
      if (!info.isFile) {
        throw new CredentialError(
          `Cannot read credential file "${file}": it is not a regular file. Fix or remove it`,
          { files },
        );
      }
      text = await Deno.readTextFile(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw readError(file, files, error);
    }
    if (info.mode !== null && (info.mode & 0o077) !== 0 && !warned.has(file)) {
      warned.add(file);
      const mode = (info.mode & 0o777).toString(8).padStart(4, "0");
      warn(
        `Credential file ${file} has permissions ${mode}; ` +
          `run "chmod 600 ${file}" so other users cannot read your API token`,
      );
    }
    try {
      docs.push({ file, doc: parseIni(text, file) });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new CredentialError(`${detail}. Fix or remove this credential file`, {
        files,
        cause: error,
      });
    }
  }
  return docs;
}

function readError(file: string, files: readonly string[], error: unknown): CredentialError {
  if (error instanceof CredentialError) return error;
  let detail: string;
  if (error instanceof Deno.errors.NotCapable) {
    detail = `read permission is not granted: run with --allow-read=${file} (or --allow-read)`;
  } else if (error instanceof Deno.errors.PermissionDenied) {
    detail = `access is denied: grant read access to this user (and --allow-read to Deno), ` +
      `or remove the file`;
  } else {
    detail = `${error instanceof Error ? error.message : String(error)}. Fix or remove it`;
  }
  return new CredentialError(`Cannot read credential file "${file}": ${detail}`, {
    files,
    cause: error,
  });
}

export function mergeProfile(
  docs: readonly { file: string; doc: IniDocument }[],
  profile: string,
): { found: boolean; entries: Map<string, Entry>; files: string[] } {
  const defaults = new Map<string, Entry>();
  const own = new Map<string, Entry>();
  const files: string[] = [];
  let found = false;
  for (const { file, doc } of docs) {
    for (const [key, value] of doc.defaults) {
      defaults.set(key, { value, file, section: "DEFAULT" });
    }
    const section = doc.sections.get(profile);
    if (section !== undefined) {
      found = true;
      for (const [key, value] of section) own.set(key, { value, file, section: profile });
    }
    if ((section !== undefined || doc.defaults.size > 0) && !files.includes(file)) {
      files.push(file);
    }
  }
  return { found, entries: new Map([...defaults, ...own]), files };
}
