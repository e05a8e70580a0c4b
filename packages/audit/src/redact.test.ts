import { describe, expect, it } from "vitest";
import { redactValue } from "./redact";
import { boundedJson, clip, summarizeOutput } from "./summary";

describe("redactValue", () => {
  it("strips default secret keys at any depth and caller paths with wildcards", () => {
    const value = {
      Password: "p",
      user: { apiKey: "k", api_key: "k", Authorization: "Bearer x", refresh_token: "t", name: "n" },
      items: [
        { card: "4111", qty: 1 },
        { card: "4222", qty: 2 },
      ],
      deep: { keep: { drop: 1, stay: 2 } },
      clientSecret: "s",
    };
    expect(redactValue(value, { paths: ["items.*.card", "deep.keep.drop", ""] })).toEqual({
      user: { name: "n" },
      items: [{ qty: 1 }, { qty: 2 }],
      deep: { keep: { stay: 2 } },
    });
    expect(redactValue(["a", "b"], { paths: ["1"] })).toEqual(["a"]);
  });

  it("returns JSON-safe copies of awkward values", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    let deep: unknown = "bottom";
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(
      redactValue({
        n: Number.NaN,
        inf: Number.POSITIVE_INFINITY,
        big: 10n,
        when: new Date("2025-01-01T00:00:00Z"),
        bad: new Date("x"),
        bytes: new Uint8Array(3),
        fn: () => 1,
        undef: undefined,
        arr: [undefined, () => 1],
        lone: "a\uD800b",
        cyclic,
        custom: { toJSON: () => ({ shown: true }) },
      }),
    ).toEqual({
      n: null,
      inf: null,
      big: "10",
      when: "2025-01-01T00:00:00.000Z",
      bad: null,
      bytes: "[binary 3 bytes]",
      arr: [null, null],
      lone: "a\uFFFDb",
      cyclic: { a: 1, self: "[circular]" },
      custom: { shown: true },
    });
    expect(JSON.stringify(redactValue(deep))).toContain("[too deep]");
    expect(redactValue(Symbol("s"))).toBeUndefined();
  });
});

describe("summaries", () => {
  it("count rows and keep a hash of the result, never its text", () => {
    expect(summarizeOutput([1, 2, 3])).toMatch(/^3 rows, sha256:[0-9a-f]{16}$/);
    const one = summarizeOutput({ items: [{ email: "ann@acme.com" }], total: 1 });
    expect(one).toMatch(/^1 rows, sha256:[0-9a-f]{16}$/);
    expect(one).not.toContain("ann");
    expect(summarizeOutput({ a: 1, b: [1], c: [2] })).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(summarizeOutput({ a: 1 })).toBe(summarizeOutput({ a: 1 }));
    expect(summarizeOutput({ a: 1 })).not.toBe(summarizeOutput({ a: 2 }));
    expect(summarizeOutput(undefined)).toMatch(/^sha256:/);
  });

  it("stop walking big or cyclic values at the budget", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    expect(boundedJson(cyclic, 50).length).toBeLessThan(60);
    expect(
      boundedJson(
        Array.from({ length: 1e5 }, (_, i) => i),
        20,
      ).length,
    ).toBeLessThan(30);
    expect(clip("abc", 2)).toBe("a…");
  });
});
