import type { KeyValue } from "@revops/store";
import { ToolError } from "./errors";
import { type Middleware, passThrough } from "./pipeline";

/** Fixed one-minute window per principal and tool, counted in the key-value store so replicas share it. */
export function rateLimit(kv: () => Promise<KeyValue>, perMinute: number): Middleware {
  if (perMinute <= 0) return passThrough;
  return async (call, next) => {
    const window = Math.floor(Date.now() / 60_000);
    const key = `rl:${call.ctx.principal.id}:${call.entry.name}:${window}`;
    const count = await (await kv()).incr(key, 1, { ttlMs: 61_000 });
    if (count > perMinute) {
      const retryAfterSeconds = 60 - Math.floor((Date.now() / 1000) % 60);
      return {
        ok: false,
        error: new ToolError(
          "rate_limited",
          `Rate limit of ${perMinute} calls per minute reached for ${call.entry.name}.`,
          {
            retryAfterSeconds,
          },
        ),
      };
    }
    return next();
  };
}
