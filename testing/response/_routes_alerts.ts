/**
 * Alert routes: search, single update, bulk update (at most 500 ids per request) and delete.
 *
 * @module
 */
import { HttpError, json, jsonObject, type RouteContext, type Router } from "../_router.ts";
import { solrSearch } from "../_solr.ts";
import type { EmulatorState } from "../state.ts";
import { ALERT_SCHEMA, ALERT_STATUSES, type AlertDoc, alertIndex } from "./_alerts.ts";

/** The most alert ids one bulk request may carry. */
export const MAX_BULK_ALERTS = 500;

function findAlert(state: EmulatorState, ctx: RouteContext): AlertDoc {
  const a = state.alerts.get(ctx.params.id ?? "");
  if (!a) throw new HttpError(404, `Alert ${ctx.params.id} not found`);
  return a;
}

function setStatus(alert: AlertDoc, status: unknown): void {
  const s = ALERT_STATUSES.find((x) => x.toLowerCase() === String(status).toLowerCase());
  if (!s) {
    throw new HttpError(400, `Unknown status "${status}": use one of ${ALERT_STATUSES.join(", ")}`);
  }
  alert.status = s;
  alert.resolved_time = s === "Resolved" ? new Date().toISOString() : null;
}

/** Registers the alert routes. */
export function registerAlertRoutes(router: Router, state: EmulatorState): void {
  router.add("GET", "/api/v1/alert", (ctx) => {
    const t0 = performance.now();
    const items = [...state.alerts.values()].map((doc) => ({ index: alertIndex(doc), doc }));
    const out = solrSearch(items, ALERT_SCHEMA, ctx.query);
    return json({
      results: out.results,
      total_results: out.total,
      start: out.start,
      facets: out.facets,
      terms: [],
      highlights: [],
      elapsed: Math.max(0.001, (performance.now() - t0) / 1000),
    });
  });
  router.add("POST", "/api/v1/alert/:id", (ctx) => {
    const alert = findAlert(state, ctx);
    const body = jsonObject(ctx);
    const status = body.status ?? body.requested_status;
    for (const [k, v] of Object.entries(body)) {
      if (k !== "unique_id" && k !== "requested_status" && k !== "status") alert[k] = v;
    }
    if (status !== undefined && status !== alert.status) setStatus(alert, status);
    return json(alert);
  });
  router.add("DELETE", "/api/v1/alert/:id", (ctx) => {
    state.alerts.delete(findAlert(state, ctx).unique_id);
    return json({ result: "success" });
  });
  router.add("POST", "/api/v1/alerts", (ctx) => {
    const body = jsonObject(ctx);
    const ids = body.alert_ids;
    if (!Array.isArray(ids) || ids.length === 0) {
      throw new HttpError(400, "alert_ids must be a non-empty list");
    }
    if (ids.length > MAX_BULK_ALERTS) {
      throw new HttpError(400, `Too many alert_ids: at most ${MAX_BULK_ALERTS} per request`);
    }
    const updates = body.updates;
    if (
      updates !== undefined && (!updates || typeof updates !== "object" || Array.isArray(updates))
    ) {
      throw new HttpError(400, "updates must be an object");
    }
    const fields = { ...(updates as Record<string, unknown> | undefined) };
    const status = body.requested_status ?? fields.requested_status;
    delete fields.requested_status;
    if (status === undefined) throw new HttpError(400, "requested_status is required");
    const alerts = ids.map((id) => {
      const a = state.alerts.get(String(id));
      if (!a) throw new HttpError(404, `Alert ${id} not found`);
      return a;
    });
    for (const a of alerts) {
      setStatus(a, status);
      if (typeof body.assigned_to === "string") a.assigned_to = body.assigned_to;
      for (const [k, v] of Object.entries(fields)) if (k !== "unique_id") a[k] = v;
    }
    return json({ result: "success" });
  });
}
