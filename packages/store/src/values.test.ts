import { describe, expect, it } from "vitest";
import { toDbValue, toDbValues } from "./values";

describe("toDbValue", () => {
  it("encodes values the same way for both engines", () => {
    const bytes = new Uint8Array([1, 2]);
    expect(toDbValues(["s", 1, 2n, null, undefined, true, false])).toEqual(["s", 1, 2n, null, null, 1, 0]);
    expect(toDbValue(new Date("2025-01-01T00:00:00Z"))).toBe("2025-01-01T00:00:00.000Z");
    expect(toDbValue({ a: [1] })).toBe('{"a":[1]}');
    expect(toDbValue(bytes)).toBe(bytes);
    expect(toDbValues(undefined)).toEqual([]);
  });

  it("refuses values no engine can store", () => {
    expect(() => toDbValue(() => 1)).toThrow(/function/);
    expect(() => toDbValue(Symbol("x"))).toThrow(/symbol/);
  });
});
