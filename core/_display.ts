// How a model prints its values: the Python library's forms (`True`, `None`, ctime dates), secrets
// redacted.

import { isSecretField } from "./_secrets.ts";
import { nestedDeeperThan } from "./_depth.ts";

/**
 * A date in the form of Python's `time.ctime()` (`Tue Feb  6 12:44:40 2018`), local time.
 *
 * @param date The date.
 * @returns The text.
 */
export function ctime(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
  ];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getDay()]} ${months[date.getMonth()]} ${
    String(date.getDate()).padStart(2, " ")
  } ${pad(date.getHours())}:${pad(date.getMinutes())}:${
    pad(date.getSeconds())
  } ${date.getFullYear()}`;
}

/**
 * Formats a document value the way the Python library prints it (`True`, `None`, ...), with
 * secrets redacted.
 *
 * @param key The field name.
 * @param value The value.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayValue } from "@cbapi/cbapi/core";
 * assert.ok(displayValue("enabled", true) === "True");
 * assert.ok(displayValue("auth_token", "abc") === "[redacted]");
 * ```
 */
export function displayValue(key: string, value: unknown): string {
  if (isSecretField(key) && value !== null && value !== undefined && value !== "") {
    return "[redacted]";
  }
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  return nestedDeeperThan(value) ? "[nested too deep]" : JSON.stringify(value);
}
