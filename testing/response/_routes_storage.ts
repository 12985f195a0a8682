/**
 * Cb Response event-partition routes (`/api/v1/storage/events/...`, 6.0+) and the read-only
 * throttle rules (`/api/throttle`).
 *
 * @module
 */
import { HttpError, intParam, json, type RouteContext, type Router } from "../_router.ts";
import type { EmulatorState } from "../state.ts";
import { type Doc, partitionDoc } from "./_admin_data.ts";

const SUCCESS = { result: "success" };

function partitionName(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `cbevents_${date.getUTCFullYear()}_${p(date.getUTCMonth() + 1)}_${p(date.getUTCDate())}_${
    p(date.getUTCHours())
  }${p(date.getUTCMinutes())}`;
}

function partitionRoutes(router: Router, state: EmulatorState): void {
  const base = "/api/v1/storage/events";
  function find(ctx: RouteContext): Doc {
    const p = state.partitions.get(ctx.params.name ?? "");
    if (!p) throw new HttpError(404, `Partition ${ctx.params.name} not found`);
    return p;
  }
  function info(p: Doc): Doc {
    return p.info as Doc;
  }
  function requireNullBody(ctx: RouteContext): void {
    if (ctx.bodyText.trim() !== "" && ctx.json() !== null) {
      throw new HttpError(400, "Request body must be null");
    }
  }
  router.add(
    "GET",
    `${base}/partition`,
    () => json(Object.fromEntries([...state.partitions].map(([k, v]) => [k, v]))),
  );
  router.add("POST", `${base}/new_partition`, (ctx) => {
    requireNullBody(ctx);
    const now = new Date();
    const writer = state.partitions.get("writer");
    if (writer) {
      let name = partitionName(now);
      for (let i = 2; state.partitions.has(name); i++) name = `${partitionName(now)}_${i}`;
      state.partitions.delete("writer");
      const warm = { ...writer, name, status: "warm", info: { ...info(writer) } };
      info(warm).endDate = now.toISOString();
      info(warm).dir = `/var/cb/data/solr5/cbevents/${name}`;
      state.partitions.set(name, warm);
    }
    const fresh = partitionDoc("writer", "hot", now, null);
    Object.assign(info(fresh), { sizeInBytes: 0, maxDoc: 0, numDocs: 0, segmentCount: 0 });
    state.partitions.set("writer", fresh);
    return json(SUCCESS);
  });
  router.add("DELETE", `${base}/:name`, (ctx) => {
    const p = find(ctx);
    if (p.status === "hot") throw new HttpError(400, "The hot partition cannot be deleted");
    state.partitions.delete(String(p.name));
    return json(SUCCESS);
  });
  router.add("POST", `${base}/:name/mount`, (ctx) => {
    requireNullBody(ctx);
    const p = find(ctx);
    if (p.status === "hot") throw new HttpError(400, "The hot partition is always mounted");
    p.status = "warm";
    info(p).userMounted = true;
    return json(SUCCESS);
  });
  router.add("POST", `${base}/:name/unmount`, (ctx) => {
    requireNullBody(ctx);
    const p = find(ctx);
    if (p.status === "hot") throw new HttpError(400, "The hot partition cannot be unmounted");
    p.status = "cold";
    info(p).userMounted = false;
    return json(SUCCESS);
  });
}

function throttleRoutes(router: Router, state: EmulatorState): void {
  router.add("GET", "/api/throttle", () => json([...state.throttleRules.values()]));
  router.add("GET", "/api/throttle/:id", (ctx) => {
    const id = intParam(ctx, "id", "Throttle rule");
    const t = state.throttleRules.get(id);
    if (!t) throw new HttpError(404, `Throttle rule ${id} not found`);
    return json(t);
  });
}

/** Registers the partition and throttle routes. */
export function registerStorageRoutes(router: Router, state: EmulatorState): void {
  partitionRoutes(router, state);
  throttleRoutes(router, state);
}
