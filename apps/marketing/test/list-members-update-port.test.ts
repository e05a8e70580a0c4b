import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseConfigSchema, createLogger, KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import {
  type HubSpotState,
  pgSchema,
  type RunningFake,
  seedHubSpotLists,
  startHubSpotFake,
  tempDataDir,
} from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import type { MarketingPort } from "../src/ports";
import { createMarketingServer } from "../src/server";

/** What the contract needs of a provider: a port and ids that mean the same thing on each. */
interface Fixture {
  port: MarketingPort;
  staticList: string;
  dynamicList: string;
  missingList: string;
  /** A current member of the static list. */
  member: { id: string; email: string };
  /** Two subscribed contacts outside the static list. */
  outsiders: { id: string; email: string }[];
  /** An unsubscribed contact outside the static list. */
  unsubscribed: string;
  /** An id shaped like the provider's ids that names no contact. */
  unknownId: string;
  /** Writes journalled with the plan hash (sandbox only). */
  journal?: () => Promise<{ record_id: string; plan_hash: string | null }[]>;
  close(): Promise<void>;
}

const ORIGIN = { principal: "contract", planHash: "plan-hash-1", idempotencyKey: "key-1" };

/** One port contract, the same assertions on every provider. */
function describeListPortContract(name: string, make: () => Promise<Fixture>) {
  describe(`list port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("reads a list's name, kind and size, and nothing for an unknown id", async () => {
      const l = await f.port.getList(f.staticList);
      expect(l).toMatchObject({ id: f.staticList, kind: "static" });
      expect(l?.name.length).toBeGreaterThan(0);
      expect(l?.size).toBeGreaterThan(0);
      expect((await f.port.getList(f.dynamicList))?.kind).toBe("dynamic");
      expect(await f.port.getList(f.missingList)).toBeUndefined();
    });

    it("finds contacts by id and by email (any case); unknown refs are left out", async () => {
      const [a, b] = f.outsiders as [{ id: string; email: string }, { id: string; email: string }];
      const found = await f.port.findContacts([
        a.id,
        b.email.toUpperCase(),
        f.unknownId,
        "nobody@nowhere.test",
      ]);
      expect(found.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
      for (const c of found) {
        expect(c.name.length).toBeGreaterThan(0);
        expect(c.unsubscribed).toBe(false);
      }
      const [u] = await f.port.findContacts([f.unsubscribed]);
      expect(u?.unsubscribed).toBe(true);
    });

    it("tells which contacts are members", async () => {
      const ids = [f.member.id, ...f.outsiders.map((o) => o.id)];
      expect(await f.port.listMembership(f.staticList, ids)).toEqual([f.member.id]);
      expect(await f.port.listMembership(f.staticList, [])).toEqual([]);
    });

    it("adds and removes members; no-ops and unknown ids are reported as ignored, not applied", async () => {
      const before = (await f.port.getList(f.staticList))?.size ?? 0;
      const [a, b] = f.outsiders.map((o) => o.id) as [string, string];
      const r = await f.port.updateListMembers(
        f.staticList,
        { add: [a, b, f.unknownId], remove: [f.member.id] },
        ORIGIN,
      );
      expect(r.added.sort()).toEqual([a, b].sort());
      expect(r.removed).toEqual([f.member.id]);
      expect(r.ignored).toEqual([f.unknownId]);
      expect((await f.port.getList(f.staticList))?.size).toBe(before + 1);
      expect((await f.port.listMembership(f.staticList, [a, b, f.member.id])).sort()).toEqual([a, b].sort());

      // the same change again changes nothing
      const again = await f.port.updateListMembers(
        f.staticList,
        { add: [a, b], remove: [f.member.id] },
        ORIGIN,
      );
      expect(again).toEqual({ added: [], removed: [], ignored: expect.arrayContaining([a, b, f.member.id]) });
      expect((await f.port.getList(f.staticList))?.size).toBe(before + 1);
      if (f.journal) {
        const rows = await f.journal();
        expect(rows.map((x) => x.record_id).sort()).toEqual(
          [`${f.staticList}/${a}`, `${f.staticList}/${b}`, `${f.staticList}/${f.member.id}`].sort(),
        );
        expect(new Set(rows.map((x) => x.plan_hash))).toEqual(new Set([ORIGIN.planHash]));
      }
      // put the list back as it was
      await f.port.updateListMembers(f.staticList, { add: [f.member.id], remove: [a, b] }, ORIGIN);
      expect((await f.port.getList(f.staticList))?.size).toBe(before);
    });

    it("refuses to edit a dynamic list", async () => {
      const size = (await f.port.getList(f.dynamicList))?.size;
      await expect(
        f.port.updateListMembers(f.dynamicList, { add: [f.outsiders[0]?.id ?? ""], remove: [] }, ORIGIN),
      ).rejects.toMatchObject({ name: "ListNotEditableError" });
      expect((await f.port.getList(f.dynamicList))?.size).toBe(size);
    });
  });
}

/** The sandbox fixture: ids picked from the generated company with SQL. */
async function sandboxFixture(db: SqlDb, close: () => Promise<void>): Promise<Fixture> {
  await ensureSandboxLoaded(db, { scale: 0.2 });
  const lists = await db.query<{ id: string; kind: string }>("SELECT id, kind FROM sb_lists ORDER BY id");
  const staticList = lists.find((l) => l.kind === "static")?.id ?? "";
  const dynamicList = lists.find((l) => l.kind === "dynamic")?.id ?? "";
  const member = await db.one<{ id: string; email: string }>(
    "SELECT c.id, c.email FROM sb_contacts c JOIN sb_list_members m ON m.contact_id = c.id WHERE m.list_id = ? ORDER BY c.id LIMIT 1",
    [staticList],
  );
  const outside = "NOT EXISTS (SELECT 1 FROM sb_list_members m WHERE m.list_id = ? AND m.contact_id = c.id)";
  const outsiders = await db.query<{ id: string; email: string }>(
    `SELECT c.id, c.email FROM sb_contacts c WHERE c.unsubscribed = 0 AND ${outside} ORDER BY c.id LIMIT 2`,
    [staticList],
  );
  const unsub = await db.one<{ id: string }>(
    `SELECT c.id FROM sb_contacts c WHERE c.unsubscribed = 1 AND ${outside} ORDER BY c.id LIMIT 1`,
    [staticList],
  );
  return {
    port: new SandboxMarketing(db),
    staticList,
    dynamicList,
    missingList: "lst_9999",
    member: member as { id: string; email: string },
    outsiders,
    unsubscribed: unsub?.id ?? "",
    unknownId: "con_999999",
    journal: () => db.query("SELECT record_id, plan_hash FROM sb_changes WHERE entity = 'list_member'"),
    close,
  };
}

describeListPortContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "list-port-"));
  const db = await openSql({ dataDir: dir });
  return sandboxFixture(db, async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describeListPortContract("sandbox on PostgreSQL", async () => {
  // a schema of its own, so the shared test database is left alone
  const { db, drop } = await pgSchema("list_port");
  return sandboxFixture(db, drop);
});

describeListPortContract("HubSpot Lists v3 over the fake", async () => {
  // contacts are numbered from 1001 in seed order
  const fake: RunningFake<HubSpotState> = await startHubSpotFake({
    contacts: [
      { email: "ann.member@example.com", firstname: "Ann", lastname: "Member" }, // 1001
      { email: "bo.outside@example.com", firstname: "Bo", lastname: "Outside" }, // 1002
      { email: "cy.outside@example.com", firstname: "Cy", lastname: "Outside" }, // 1003
      { email: "di.optout@example.com", firstname: "Di", lastname: "Optout", hs_email_optout: "true" }, // 1004
    ],
  });
  const [staticList, dynamicList] = seedHubSpotLists(fake.state, [
    { name: "Webinar attendees Q4", processingType: "MANUAL", members: ["1001"] },
    { name: "Enterprise decision makers", processingType: "DYNAMIC", members: ["1001", "1003"] },
  ]) as [string, string];
  vi.stubEnv("MARKETING_SOURCE", "hubspot");
  vi.stubEnv("HUBSPOT_ACCESS_TOKEN", "pat-test");
  vi.stubEnv("REVOPS_TEST_VENDOR_BASE_URL", fake.url);
  vi.stubEnv("REVOPS_ALLOW_INSECURE_TEST_VENDOR", "true");
  const rt = new KitRuntime(
    baseConfigSchema.parse({ REVOPS_DATA_DIR: tempDataDir("hs-lists") }),
    createLogger("silent", "test"),
  );
  const { marketing } = await createMarketingServer().ports(rt);
  vi.unstubAllEnvs();
  return {
    port: marketing,
    staticList,
    dynamicList,
    missingList: "999",
    member: { id: "1001", email: "ann.member@example.com" },
    outsiders: [
      { id: "1002", email: "bo.outside@example.com" },
      { id: "1003", email: "cy.outside@example.com" },
    ],
    unsubscribed: "1004",
    unknownId: "424242",
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
