import { describe, expect, it } from "vitest";
import { VendorError } from "../src/errors";
import { isAmbiguousWriteFailure, writeOnce } from "../src/write-once";

const failure = (kind: "unavailable" | "timeout" | "invalid", status?: number) =>
  new VendorError({
    vendor: "v",
    kind,
    retryable: kind !== "invalid",
    message: kind,
    ...(status && { status }),
  });

describe("writeOnce", () => {
  it("classes resets, timeouts and 5xx as ambiguous, 4xx and other errors as definite", () => {
    expect(isAmbiguousWriteFailure(failure("unavailable"))).toBe(true);
    expect(isAmbiguousWriteFailure(failure("unavailable", 503))).toBe(true);
    expect(isAmbiguousWriteFailure(failure("timeout"))).toBe(true);
    expect(isAmbiguousWriteFailure(failure("invalid", 422))).toBe(false);
    expect(isAmbiguousWriteFailure(new Error("bug"))).toBe(false);
  });

  it("returns what the vendor applied before a 5xx instead of writing again", async () => {
    let writes = 0;
    const applied: string[] = [];
    const r = await writeOnce({
      write: async () => {
        writes++;
        applied.push("x");
        throw failure("unavailable", 502);
      },
      lookup: async () => (applied.length ? "found" : undefined),
    });
    expect(r).toEqual({ value: "found", recovered: true });
    expect(writes).toBe(1);
  });

  it("writes once more when the lookup finds nothing, and never after a definite refusal", async () => {
    let writes = 0;
    const r = await writeOnce({
      write: async () => {
        if (++writes === 1) throw failure("timeout");
        return "ok";
      },
      lookup: async () => undefined,
    });
    expect(r).toEqual({ value: "ok", recovered: false });
    let lookups = 0;
    await expect(
      writeOnce({
        write: async () => {
          throw failure("invalid", 400);
        },
        lookup: async () => {
          lookups++;
          return "x";
        },
      }),
    ).rejects.toThrow("invalid");
    expect(lookups).toBe(0);
  });

  it("looks first when an earlier execution may have landed unseen (a resumed approval)", async () => {
    let writes = 0;
    const write = async () => `w${++writes}`;
    expect(await writeOnce({ write, lookup: async () => "earlier", lookupFirst: true })).toEqual({
      value: "earlier",
      recovered: true,
    });
    expect(writes).toBe(0);
    expect(await writeOnce({ write, lookup: async () => undefined, lookupFirst: true })).toEqual({
      value: "w1",
      recovered: false,
    });
  });
});
