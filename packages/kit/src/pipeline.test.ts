import { describe, expect, it } from "vitest";
import { compose, type Middleware, passThrough, type ToolCall } from "./pipeline";

const call = {} as ToolCall;
const done = async () => ({ ok: true as const, output: "ran" });

describe("compose", () => {
  it("leaves out pass-through stages and runs the rest in order", async () => {
    const seen: string[] = [];
    const mark =
      (name: string): Middleware =>
      (_call, next) => {
        seen.push(name);
        return next();
      };
    const outcome = await compose([mark("a"), passThrough, mark("b")], done)(call);
    expect(outcome).toEqual({ ok: true, output: "ran" });
    expect(seen).toEqual(["a", "b"]);
  });

  it("turns a stage that throws where it stands into a failed call, as an async stage's rejection is", async () => {
    const throws: Middleware = () => {
      throw new Error("boom");
    };
    const outcome = await compose([throws], done)(call);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.error.kind).toBe("internal");
  });
});
