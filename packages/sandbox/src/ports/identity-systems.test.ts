import type { SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTarget, type TestTarget } from "../../test/db.js";
import { ensureSandboxLoaded } from "../load.js";
import {
  LINKED_SYSTEMS,
  sandboxCrmCompanies,
  sandboxPlantedLinks,
  sandboxSystemCompanies,
} from "./identity-systems.js";

// The planted records are derived from the accounts in TypeScript: one engine proves them.
describe("the linked systems' companies planted for the identity graph", () => {
  let target: TestTarget;
  let db: SqlDb;
  beforeAll(async () => {
    target = await makeTarget("sqlite");
    db = await target.open();
    await ensureSandboxLoaded(db);
  });
  afterAll(async () => {
    await db?.close();
    await target?.cleanup();
  });

  it("plants the same records on every call, one link per record", async () => {
    const records = await sandboxSystemCompanies(db);
    const links = await sandboxPlantedLinks(db);
    expect(await sandboxSystemCompanies(db)).toEqual(records);
    expect(links.map((l) => [l.system, l.externalId])).toEqual(records.map((r) => [r.system, r.externalId]));
    for (const system of LINKED_SYSTEMS) {
      const ids = records.filter((r) => r.system === system).map((r) => r.externalId);
      expect(new Set(ids).size, system).toBe(ids.length);
    }
  });

  it("spells each kind as documented: clean carries the CRM id, the others only what a matcher can use", async () => {
    const accounts = new Map((await sandboxCrmCompanies(db)).map((a) => [a.id, a]));
    const records = await sandboxSystemCompanies(db);
    const links = await sandboxPlantedLinks(db);
    const kinds = new Set<string>();
    links.forEach((l, i) => {
      const r = records[i];
      const a = l.accountId === null ? undefined : accounts.get(l.accountId);
      if (!r) throw new Error("a link without its record");
      kinds.add(l.kind);
      if (l.kind === "clean") expect([r.crmRef, r.name, r.domain]).toEqual([a?.id, a?.name, a?.domain]);
      if (l.kind === "domain") expect([r.crmRef, r.domain]).toEqual([null, a?.domain]);
      if (l.kind === "name") expect([r.crmRef, r.domain?.endsWith(".io")]).toEqual([null, true]);
      if (l.kind === "typo") {
        expect([r.crmRef, r.domain]).toEqual([null, null]);
        expect(r.name).not.toBe(a?.name);
        expect(r.name.length - String(a?.name).length).toBeLessThanOrEqual(1);
      }
      if (l.kind === "decoy") {
        expect([...accounts.values()].some((x) => x.name.toLowerCase() === r.name.toLowerCase())).toBe(false);
        expect(r.crmRef).toBeNull();
      }
    });
    expect([...kinds].sort()).toEqual(["clean", "decoy", "domain", "name", "typo"]);
  });

  it("lets only HubSpot know prospects; clean is every system's commonest kind", async () => {
    const prospects = new Set(
      (await db.query<{ id: string }>("SELECT id FROM sb_accounts WHERE lifecycle = 'prospect'")).map(
        (r) => r.id,
      ),
    );
    const links = await sandboxPlantedLinks(db);
    for (const system of LINKED_SYSTEMS) {
      const mine = links.filter((l) => l.system === system);
      const ofProspects = mine.filter((l) => l.accountId !== null && prospects.has(l.accountId));
      expect(ofProspects.length > 0, system).toBe(system === "hubspot");
      const count = (kind: string) => mine.filter((l) => l.kind === kind).length;
      for (const kind of ["domain", "name", "typo", "decoy"])
        expect(count("clean"), `${system} ${kind}`).toBeGreaterThan(count(kind));
    }
  });
});
