import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../../test/db.js";
import { collectCompany } from "../generate/index.js";
import { ensureSandboxLoaded } from "../load.js";
import { SandboxMarketing } from "./marketing.js";

describe("generated lists", () => {
  const data = collectCompany({ scale: 0.2 });
  const contacts = new Map(data.sb_contacts.map((c) => [String(c[0]), c]));
  const lists = new Map(data.sb_lists.map((l) => [String(l[0]), l]));
  const membersOf = (id: string) => data.sb_list_members.filter((m) => m[0] === id).map((m) => String(m[1]));

  it("has static and dynamic lists, each with members that exist, once each", () => {
    const kinds = data.sb_lists.map((l) => l[2]);
    expect(kinds).toContain("static");
    expect(kinds).toContain("dynamic");
    for (const id of lists.keys()) {
      const ids = membersOf(id);
      expect(ids.length, id).toBeGreaterThan(0);
      expect(new Set(ids).size, id).toBe(ids.length);
      for (const c of ids) expect(contacts.has(c), c).toBe(true);
    }
    for (const m of data.sb_list_members) expect(lists.has(String(m[0]))).toBe(true);
  });

  it("keeps unsubscribed contacts out of the newsletter", () => {
    const newsletter = data.sb_lists.find((l) => l[1] === "Newsletter")?.[0] as string;
    // column 10 of sb_contacts is `unsubscribed`
    for (const c of membersOf(newsletter)) expect(contacts.get(c)?.[10]).toBe(0);
  });

  it("is deterministic and dated before the sandbox's today", () => {
    const again = collectCompany({ scale: 0.2 });
    expect(again.sb_lists).toEqual(data.sb_lists);
    expect(again.sb_list_members).toEqual(data.sb_list_members);
    for (const m of data.sb_list_members) expect(String(m[2]) < "2026-11-23T12:00").toBe(true);
  });
});

describe.each(["sqlite", "postgres"] as const)("SandboxMarketing list writes on %s", (engine) => {
  let target: TestTarget;
  let a: SqlDb;
  let b: SqlDb;
  beforeAll(async () => {
    target = await makeTarget(engine);
    a = await target.open();
    await ensureSandboxLoaded(a, { scale: 0.05 });
    b = await target.open();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await target?.cleanup();
  });

  it("two writers adding different contacts at once both land, each journalled once", async () => {
    const list =
      (await a.one<{ id: string }>("SELECT id FROM sb_lists WHERE kind = 'static' ORDER BY id"))?.id ?? "";
    const outsiders = await a.query<{ id: string }>(
      "SELECT id FROM sb_contacts c WHERE NOT EXISTS (SELECT 1 FROM sb_list_members m WHERE m.list_id = ? AND m.contact_id = c.id) ORDER BY id LIMIT 4",
      [list],
    );
    const ids = outsiders.map((o) => o.id);
    const before = (await new SandboxMarketing(a).getList(list))?.size ?? 0;
    const [r1, r2] = await Promise.all([
      new SandboxMarketing(a).updateListMembers(
        list,
        { add: ids.slice(0, 3), remove: [] },
        { principal: "ann" },
      ),
      new SandboxMarketing(b).updateListMembers(list, { add: ids.slice(1), remove: [] }, { principal: "bo" }),
    ]);
    // every id is added by exactly one of the two, the other sees it as already there
    expect([...r1.added, ...r2.added].sort()).toEqual([...ids].sort());
    expect((await new SandboxMarketing(a).getList(list))?.size).toBe(before + 4);
    const journal = await a.query<{ record_id: string }>(
      "SELECT record_id FROM sb_changes WHERE entity = 'list_member' ORDER BY record_id",
    );
    expect(journal.map((j) => j.record_id)).toEqual([...ids].sort().map((id) => `${list}/${id}`));
  });
});
