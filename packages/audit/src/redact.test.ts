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
  it("count rows and keep the first 200 characters without secrets", () => {
    expect(summarizeOutput([1, 2, 3])).toBe("3 rows: [1,2,3]");
    expect(summarizeOutput({ items: [{ a: 1 }], total: 1, token: "t" })).toBe(
      '1 rows: {"items":[{"a":1}],"total":1}',
    );
    expect(summarizeOutput({ a: 1, b: [1], c: [2] })).toBe('{"a":1,"b":[1],"c":[2]}');
    const long = summarizeOutput({ text: "x".repeat(1000) });
    expect(long).toHaveLength(200);
    expect(long.endsWith("…")).toBe(true);
    expect(summarizeOutput(undefined)).toBe("null");
    expect(summarizeOutput({ when: new Date(0), skip: undefined })).toBe(
      '{"when":"1970-01-01T00:00:00.000Z"}',
    );
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
