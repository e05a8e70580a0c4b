import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** RFC 8785 canonical JSON; undefined and functions drop out as in JSON. */
export function canonicalJson(value: unknown): string {
  return canonicalize(toJsonValue(value)) ?? "null";
}

/** A plain JSON copy (Dates become strings), so what is stored is exactly what was hashed. */
export function toJsonValue<T = unknown>(value: unknown): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The identity of one plan: who asks, which tool, which arguments, what it would do. */
export function planHash(parts: { tool: string; principal: string; args: unknown; plan: unknown }): string {
  return sha256(canonicalJson(parts));
}
