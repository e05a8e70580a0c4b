import { describe, expect, it } from "vitest";
import { collectCompany } from "./index.js";

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
