/**
 * Walking the process tree of {@linkcode Process}: parents, children, the ancestors iterator and
 * the depth. The functions reach a process's private state through a {@linkcode TreeAccess}
 * that `Process` hands them.
 *
 * @module
 */

import { ApiError, ObjectNotFoundError, type RequestOptions } from "../core/mod.ts";
import { parseGuid } from "../core/_internal.ts";
import type { Process, WalkCallback, WalkOptions } from "./process.ts";

/** The most parent hops {@linkcode Process.depth} counts. */
const MAX_DEPTH = 500;

const GUID_PREFIX_REGEXP =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/;

/**
 * The lower-cased GUID at the start of a unique id.
 *
 * @param uniqueId A `{guid}` or `{guid}-{segment}` value.
 * @returns The GUID, or undefined.
 */
export function guidOf(uniqueId: unknown): string | undefined {
  if (typeof uniqueId !== "string") return undefined;
  return GUID_PREFIX_REGEXP.exec(uniqueId)?.[1]?.toLowerCase();
}

/**
 * The parent's GUID from a process document (`parent_unique_id`, else `parent_id`).
 *
 * @param doc The process document.
 * @param guid The process's own GUID.
 * @returns The parent's GUID, or undefined.
 */
export function parentGuidOf(doc: Record<string, unknown>, guid: string): string | undefined {
  let parent = guidOf(doc.parent_unique_id);
  if (parent) {
    try {
      if (parseGuid(parent).sensorId !== parseGuid(guid).sensorId) {
        parent = guidOf(doc.parent_id);
      }
    } catch {
      parent = guidOf(doc.parent_id);
    }
  } else {
    parent = guidOf(doc.parent_id);
  }
  return parent;
}

/** Private state of a process the walks need. */
export interface TreeAccess {
  /** The process's GUID. */
  guid(p: Process): string;
  /** Whether the server did not have it (while it is cached). */
  missing(p: Process): boolean;
  /** The next parent of a walk (no summary request when the document names it). */
  walkParent(p: Process, options: RequestOptions): Promise<Process | undefined>;
  /** The server URL of the process's API. */
  url(p: Process): string;
}

/**
 * Walks up the tree (see {@linkcode Process.walkParents}).
 *
 * @param start The process to start from.
 * @param callback Called for each ancestor.
 * @param options Depth limit, signal and timeout.
 * @param access Private state.
 */
export async function walkParents(
  start: Process,
  callback: WalkCallback,
  options: WalkOptions,
  access: TreeAccess,
): Promise<void> {
  const { maxDepth = 0, ...request } = options;
  let current: Process | undefined;
  const seen = new Set([access.guid(start)]);
  for (let depth = 0;; depth++) {
    if (maxDepth && depth > maxDepth) return;
    let parent: Process | undefined;
    try {
      parent = await access.walkParent(current ?? start, request);
      // A parent the server did not have stays missing while it is cached: no second request.
      if (parent && access.missing(parent)) return;
      if (parent) await parent.load(request);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return;
      throw err;
    }
    if (!parent || parent.process_pid === -1 || seen.has(access.guid(parent))) return;
    seen.add(access.guid(parent));
    await callback(parent, depth);
    current = parent;
  }
}

/**
 * Walks down the tree (see {@linkcode Process.walkChildren}).
 *
 * @param start The process to start from.
 * @param callback Called for each descendant.
 * @param options Depth limit, signal and timeout.
 * @param access Private state.
 */
export async function walkChildren(
  start: Process,
  callback: WalkCallback,
  options: WalkOptions,
  access: TreeAccess,
): Promise<void> {
  const { maxDepth = 0, ...request } = options;
  await walkDown(start, callback, maxDepth, 0, request, new Set([access.guid(start)]), access);
}

async function walkDown(
  proc: Process,
  callback: WalkCallback,
  maxDepth: number,
  depth: number,
  request: RequestOptions,
  seen: Set<string>,
  access: TreeAccess,
): Promise<void> {
  if (maxDepth && depth > maxDepth) return;
  for (const child of await proc.childProcesses(request)) {
    if (child.terminated === true || seen.has(access.guid(child))) continue;
    seen.add(access.guid(child));
    try {
      await child.load(request);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) continue;
      throw err;
    }
    await callback(child, depth);
    await walkDown(child, callback, maxDepth, depth + 1, request, seen, access);
  }
}

/**
 * The parent, loaded; undefined at the top or when the server does not have it.
 *
 * @param proc The process.
 * @param options Signal and timeout.
 * @param access Private state.
 * @returns The loaded parent, or undefined.
 */
async function loadedParent(
  proc: Process,
  options: RequestOptions,
  access: TreeAccess,
): Promise<Process | undefined> {
  try {
    const parent = await proc.parent(options);
    if (!parent || access.missing(parent)) return undefined;
    await parent.load(options);
    return parent;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

/**
 * The ancestors, nearest first (see {@linkcode Process.parents}).
 *
 * @param start The process.
 * @param options Signal and timeout.
 * @param access Private state.
 * @returns The parents.
 */
export async function* parentsOf(
  start: Process,
  options: RequestOptions,
  access: TreeAccess,
): AsyncGenerator<Process, void, undefined> {
  const seen = new Set([access.guid(start)]);
  let current: Process | undefined;
  while (true) {
    options.signal?.throwIfAborted();
    const parent = await loadedParent(current ?? start, options, access);
    if (!parent || parent.process_pid === -1 || seen.has(access.guid(parent))) return;
    seen.add(access.guid(parent));
    yield parent;
    current = parent;
  }
}

/**
 * How many parents lie above a process (see {@linkcode Process.depth}).
 *
 * @param start The process.
 * @param options Signal and timeout.
 * @param access Private state.
 * @returns The depth.
 * @throws {ApiError} When the chain of parents loops.
 */
export async function depthOf(
  start: Process,
  options: RequestOptions,
  access: TreeAccess,
): Promise<number> {
  const seen = new Set([access.guid(start)]);
  let current: Process | undefined;
  let depth = 0;
  while (depth < MAX_DEPTH) {
    options.signal?.throwIfAborted();
    const parent = await loadedParent(current ?? start, options, access);
    if (!parent) break;
    if (seen.has(access.guid(parent))) {
      throw new ApiError(
        `Process cycle detected at depth ${depth}: process "${access.guid(parent)}" on ` +
          `${access.url(start)} is its own ancestor. The server's process tree is inconsistent; ` +
          `use parents() to see the chain`,
      );
    }
    seen.add(access.guid(parent));
    depth++;
    current = parent;
  }
  return depth;
}
