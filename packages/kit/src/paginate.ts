import { ProtocolErrorCode } from "@modelcontextprotocol/server";

/** Opaque offset cursors for the protocol's list methods. */
export function paginate<T>(items: readonly T[], cursor: string | undefined, size: number) {
  let start = 0;
  if (cursor) {
    const n = Number(Buffer.from(cursor, "base64url").toString("utf8").replace(/^o:/, ""));
    if (!Number.isInteger(n) || n < 0 || n > items.length) {
      const message = "Invalid cursor: pass nextCursor from the previous page unchanged.";
      throw Object.assign(new Error(message), { code: ProtocolErrorCode.InvalidParams });
    }
    start = n;
  }
  const end = start + size;
  const nextCursor = end < items.length ? Buffer.from(`o:${end}`).toString("base64url") : undefined;
  return { items: items.slice(start, end), nextCursor };
}
