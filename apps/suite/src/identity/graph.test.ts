import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ensureSandboxLoaded,
  sandboxCrmContacts,
  sandboxPlantedLinks,
  sandboxPlantedPersonLinks,
  sandboxSystemCompanies,
  sandboxSystemPeople,
} from "@revops/sandbox";
import { migrate, openSql, type SqlDb } from "@revops/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LINK_THRESHOLD, rebuildIdentityGraph, rebuildPersonGraph } from "./graph";
import { companyKey, domainKey } from "./normalise";
import { IdentityStore, identityMigrations } from "./store";

let db: SqlDb;
const AT = "2026-11-23T12:00:00Z";
const accountsOf = (d: SqlDb) =>
  d.query<{ id: string; name: string; domain: string }>(
    "SELECT id, name, domain FROM sb_accounts ORDER BY id",
  );

beforeAll(async () => {
  db = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "identity-")) });
  await ensureSandboxLoaded(db);
  await migrate(db, identityMigrations);
}, 120_000);
afterAll(async () => db?.close());

describe("company names and domains", () => {
  it("drops legal forms, articles, case and punctuation, and keeps the words that identify", () => {
    expect(companyKey("The Cedarline Solutions, Inc.")).toBe("cedarline solutions");
    expect(companyKey("CEDARLINE SOLUTIONS S.A.")).toBe("cedarline solutions");
    expect(companyKey("Quartz Delta Co")).toBe("quartz delta");
    expect(companyKey("The Company")).toBe("the company");
    expect(domainKey("https://www.Acme.com/about")).toBe("acme.com");
    expect(domainKey("localhost")).toBeNull();
  });
});

describe("identity graph on the sandbox's planted mismatches", () => {
  it("links what it is sure of correctly, sends the rest to review, and finds every planted link", async () => {
    const stats = await rebuildIdentityGraph(db, await accountsOf(db), await sandboxSystemCompanies(db), {
      at: AT,
    });
    const truth = new Map((await sandboxPlantedLinks(db)).map((t) => [`${t.system}:${t.externalId}`, t]));
    const links = await new IdentityStore(db).all();
    expect(links.length).toBe(truth.size);
    expect(stats.matched).toBe(truth.size);
    const used = links.filter((l) => l.status === "auto");
    const correct = used.filter((l) => truth.get(`${l.system}:${l.externalId}`)?.accountId === l.accountId);
    const real = [...truth.values()].filter((t) => t.accountId !== null);
    const precision = correct.length / used.length;
    const recallAuto = correct.length / real.length;
    // every real link is either used or waiting for a human with the right candidate
    const proposed = links.filter(
      (l) => l.accountId !== null && truth.get(`${l.system}:${l.externalId}`)?.accountId === l.accountId,
    );
    const recallAll = proposed.length / real.length;
    console.log(
      `identity graph: ${links.length} records, ${used.length} linked automatically (precision ${precision.toFixed(3)}, recall ${recallAuto.toFixed(3)}), ${links.filter((l) => l.status === "review").length} for review; with review candidates recall ${recallAll.toFixed(3)}`,
    );
    expect(precision).toBe(1);
    expect(recallAuto).toBeGreaterThanOrEqual(0.85);
    expect(recallAll).toBeGreaterThanOrEqual(0.97);
    // typos are never used silently; look-alike companies are never linked automatically
    for (const l of links) {
      const t = truth.get(`${l.system}:${l.externalId}`);
      if (t?.kind === "typo") expect(l.status, l.externalName).toBe("review");
      if (t?.kind === "decoy") expect(l.status, l.externalName).not.toBe("auto");
      if (l.status === "auto") expect(l.confidence).toBeGreaterThanOrEqual(DEFAULT_LINK_THRESHOLD);
      expect(l.evidence.length).toBeGreaterThan(0);
    }
  });

  it("rebuilds incrementally, keeping a human's decision until the record itself changes", async () => {
    const accounts = await accountsOf(db);
    const records = await sandboxSystemCompanies(db);
    const store = new IdentityStore(db);
    const review = (await store.list({ status: ["review"], limit: 1, offset: 0 })).links[0];
    expect(review).toBeDefined();
    const link = review as NonNullable<typeof review>;
    await db.run(
      "UPDATE identity_links SET status = 'confirmed', decided_by = 'ann' WHERE system = ? AND external_id = ?",
      [link.system, link.externalId],
    );
    const again = await rebuildIdentityGraph(db, accounts, records, { at: AT });
    expect(again).toMatchObject({ matched: 0, unchanged: records.length, removed: 0 });
    // the CRM's accounts change: machine links are matched again, the human's stands
    const renamed = accounts.map((a) => (a.id === accounts[0]?.id ? { ...a, name: `${a.name} Renamed` } : a));
    const third = await rebuildIdentityGraph(db, renamed, records, { at: AT });
    expect(third.matched).toBe(records.length - 1);
    expect((await store.get(link.system, link.externalId))?.status).toBe("confirmed");
    // the record changes: the decision is reopened; a record gone is removed
    const changed = records
      .filter((r) => !(r.system === records[1]?.system && r.externalId === records[1]?.externalId))
      .map((r) =>
        r.system === link.system && r.externalId === link.externalId ? { ...r, name: `${r.name} X` } : r,
      );
    const fourth = await rebuildIdentityGraph(db, renamed, changed, { at: AT });
    expect(fourth).toMatchObject({ matched: 1, reopened: 1, removed: 1 });
    expect((await store.get(link.system, link.externalId))?.evidence).toContain(
      "the record changed since a human reviewed it",
    );
  });
});

describe("person links on the sandbox's planted people", () => {
  it("links help-desk and messenger people to CRM contacts: sure ones correctly, the rest for review", async () => {
    await rebuildIdentityGraph(db, await accountsOf(db), await sandboxSystemCompanies(db), { at: AT });
    const people = await sandboxSystemPeople(db);
    const stats = await rebuildPersonGraph(db, await sandboxCrmContacts(db), people, { at: AT });
    expect(stats.records).toBe(people.length);
    const truth = new Map(
      (await sandboxPlantedPersonLinks(db)).map((t) => [`${t.system}:${t.externalId}`, t]),
    );
    const links = await new IdentityStore(db, "people").all();
    for (const system of ["zendesk", "intercom"]) {
      const mine = links.filter((l) => l.system === system);
      const real = [...truth.values()].filter((t) => t.system === system && t.contactId !== null);
      const used = mine.filter((l) => l.status === "auto");
      const right = (l: (typeof links)[number]) =>
        truth.get(`${l.system}:${l.externalId}`)?.contactId === l.contactId;
      const precision = used.filter(right).length / used.length;
      const recall = used.filter(right).length / real.length;
      const recallAll = mine.filter((l) => l.contactId !== null && right(l)).length / real.length;
      console.log(
        `person links on the sandbox, ${system}: ${mine.length} people, ${used.length} linked automatically (precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}), ${mine.filter((l) => l.status === "review").length} for review; with review candidates recall ${recallAll.toFixed(3)}`,
      );
      expect(precision).toBe(1);
      expect(recall).toBeGreaterThanOrEqual(0.78);
      expect(recallAll).toBeGreaterThanOrEqual(0.99);
    }
    for (const l of links) {
      const t = truth.get(`${l.system}:${l.externalId}`);
      if (t?.kind === "typo" || t?.kind === "decoy") expect(l.status, l.externalName).not.toBe("auto");
      if (l.status === "auto") expect(l.accountId).not.toBeNull();
    }
    const again = await rebuildPersonGraph(db, await sandboxCrmContacts(db), people, { at: AT });
    expect(again).toMatchObject({ matched: 0, unchanged: people.length });
  });
});

const PG_URL = process.env.TEST_DATABASE_URL;
describe.skipIf(!PG_URL)("person links on PostgreSQL (DATABASE_URL)", () => {
  it("stores the same links as the embedded database", async () => {
    // a database of its own: a rebuild removes every link it was not given, which would clobber other tests' links
    const admin = await openSql({
      databaseUrl: PG_URL,
      dataDir: mkdtempSync(join(tmpdir(), "identity-pg-")),
    });
    await admin.run("CREATE DATABASE identity_graph_test").catch(() => undefined);
    await admin.close();
    const url = new URL(PG_URL as string);
    url.pathname = "/identity_graph_test";
    const pg = await openSql({ databaseUrl: url.href, dataDir: mkdtempSync(join(tmpdir(), "identity-pg-")) });
    try {
      await migrate(pg, identityMigrations);
      // an earlier run's links: start from none
      await pg.run("DELETE FROM identity_person_links");
      await pg.run("DELETE FROM identity_links");
      await rebuildIdentityGraph(pg, await accountsOf(db), await sandboxSystemCompanies(db), { at: AT });
      const people = await sandboxSystemPeople(db);
      const stats = await rebuildPersonGraph(pg, await sandboxCrmContacts(db), people, { at: AT });
      expect(stats.matched).toBe(people.length);
      const fresh = await openSql({ dataDir: mkdtempSync(join(tmpdir(), "identity-lite-")) });
      await migrate(fresh, identityMigrations);
      await rebuildIdentityGraph(fresh, await accountsOf(db), await sandboxSystemCompanies(db), { at: AT });
      await rebuildPersonGraph(fresh, await sandboxCrmContacts(db), people, { at: AT });
      const shape = async (d: SqlDb) =>
        (await new IdentityStore(d, "people").all()).map((l) => [
          l.system,
          l.externalId,
          l.contactId,
          l.status,
        ]);
      expect(await shape(pg)).toEqual(await shape(fresh));
      await fresh.close();
    } finally {
      await pg.close();
    }
  }, 120_000);
});
