import type { ToolContext } from "@revops/kit";
import { openKv } from "@revops/store";
import { afterEach, describe, expect, it } from "vitest";
import { type Setup, setup } from "../test/setup";
import { runBulk } from "./index";

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const fakeCtx = (progress: unknown[][]) =>
  ({
    signal: new AbortController().signal,
    progress: async (...args: unknown[]) => {
      progress.push(args);
    },
  }) as unknown as ToolContext;

describe("runBulk", () => {
  it("reports progress, collects failures and never repeats a done item on retry", async () => {
    const kv = await openKv({});
    const progress: unknown[][] = [];
    const done: number[] = [];
    let failOn = 2;
    const fn = async (n: number) => {
      if (n === failOn) throw new Error(`item ${n} failed`);
      done.push(n);
      return n * 10;
    };
    const first = await runBulk([1, 2, 3], fn, { ctx: fakeCtx(progress), idempotencyKey: "run-1", kv });
    expect(first).toMatchObject({ total: 3, succeeded: 2, skipped: 0, results: [10, undefined, 30] });
    expect(first.failed).toEqual([{ index: 1, key: "1", error: "item 2 failed" }]);
    expect(progress).toEqual([
      [1, 3, "1 of 3"],
      [2, 3, "2 of 3"],
      [3, 3, "3 of 3"],
    ]);
    failOn = 0;
    const retry = await runBulk([1, 2, 3], fn, { ctx: fakeCtx([]), idempotencyKey: "run-1", kv });
    expect(retry).toMatchObject({ succeeded: 1, skipped: 2, failed: [] });
    expect(done).toEqual([1, 3, 2]);
    await kv.close();
  });

  it("needs a key-value store", async () => {
    await expect(runBulk([1], async () => 1, { ctx: fakeCtx([]), idempotencyKey: "x" })).rejects.toThrow(
      /opts.kv/,
    );
  });

  it("runs an approved bulk tool with progress notifications, and a retry tags nobody twice", async () => {
    s = await setup({ config: { GUARD_BULK_APPROVAL_OVER: 10 } });
    const ids = Array.from({ length: 12 }, (_, i) => `c${i + 1}`);
    const args = { tag: "vip", contact_ids: ids, idempotency_key: "tag-run-7" };
    const first = await s.h.call("contacts_tag", args);
    expect(first.text).toContain("12 records is over the 10");
    const id = /apr_[\w-]+/.exec(first.text)?.[0] as string;
    await s.admin.approve(id, "Bea");
    const progress: number[] = [];
    const r = await s.h.client.callTool(
      { name: "contacts_tag", arguments: { ...args, approval_id: id } },
      undefined,
      { onprogress: (p) => void progress.push(p.progress) },
    );
    expect(r.structuredContent).toEqual({ tagged: 12, skipped: 0, failed: 0 });
    expect(progress).toEqual(ids.map((_, i) => i + 1));
    const again = approvalIdInText((await s.h.call("contacts_tag", args)).text);
    await s.admin.approve(again, "Bea");
    const retry = await s.h.call("contacts_tag", { ...args, approval_id: again });
    expect(retry.data).toEqual({ tagged: 0, skipped: 12, failed: 0 });
    expect(s.ports.contacts.get("c1")?.tags).toEqual(["vip"]);
  });
});

const approvalIdInText = (text: string) => /apr_[\w-]+/.exec(text)?.[0] as string;
