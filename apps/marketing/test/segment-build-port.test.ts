import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KitRuntime } from "@revops/kit";
import { ensureSandboxLoaded } from "@revops/sandbox";
import { openSql } from "@revops/store";
import { type HubSpotState, type RunningFake, startHubSpotFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxMarketing } from "../src/integrations/sandbox/marketing";
import type { MarketingPort } from "../src/ports";
import { hubspotPorts } from "./hubspot-ports";

const ORIGIN = { principal: "contract", planHash: "plan-hash-1", idempotencyKey: "key-1" };

interface Fixture {
  port: MarketingPort;
  /** Rules that match at least two contacts, one of them unsubscribed, and the counts expected. */
  rules: { region: string[]; lifecycle: string[] };
  expected: { total: number; subscribed: number };
  close(): Promise<void>;
}

function describeSegmentPortContract(name: string, make: () => Promise<Fixture>) {
  describe(`segment port contract: ${name}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await make();
    }, 120_000);
    afterAll(async () => f?.close());

    it("counts a segment, samples it and lists its subscribed members only", async () => {
      const p = await f.port.segmentPreview(f.rules, { sample: 2, cap: 1000 });
      expect({ total: p.total, subscribed: p.subscribed }).toEqual(f.expected);
      expect(p.sample.length).toBe(Math.min(2, p.total));
      expect(p.memberIds).toHaveLength(p.subscribed);
      expect(p.byRegion.reduce((s, r) => s + r.contacts, 0)).toBe(p.total);
      const none = await f.port.segmentPreview(
        { ...f.rules, industry: ["No such industry"] },
        { sample: 2, cap: 10 },
      );
      expect(none.total).toBe(0);
    });

    it("creates a static list once: a retry finds it", async () => {
      const a = await f.port.createStaticList("Contract segment", ORIGIN);
      expect(a).toMatchObject({ created: true, list: { name: "Contract segment", kind: "static", size: 0 } });
      const b = await f.port.createStaticList("contract SEGMENT", ORIGIN);
      expect(b).toMatchObject({ created: false, list: { id: a.list.id } });
      const ids = (await f.port.segmentPreview(f.rules, { sample: 1, cap: 10 })).memberIds;
      await f.port.updateListMembers(a.list.id, { add: ids, remove: [] }, ORIGIN);
      expect((await f.port.getList(a.list.id))?.size).toBe(ids.length);
    });
  });
}

describeSegmentPortContract("sandbox on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "segment-port-"));
  const db = await openSql({ dataDir: dir });
  await ensureSandboxLoaded(db, { scale: 0.2 });
  const where =
    "FROM sb_contacts c JOIN sb_accounts a ON a.id = c.account_id WHERE a.region = 'APAC' AND a.lifecycle = 'customer'";
  const count = async (extra = "") =>
    Number((await db.one<{ n: number }>(`SELECT COUNT(*) AS n ${where}${extra}`))?.n);
  return {
    port: new SandboxMarketing(db),
    rules: { region: ["APAC"], lifecycle: ["customer"] },
    expected: { total: await count(), subscribed: await count(" AND c.unsubscribed = 0") },
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeSegmentPortContract("HubSpot contacts and Lists v3 over the fake", async () => {
  const fake: RunningFake<HubSpotState> = await startHubSpotFake({
    contacts: [
      { email: "a@x.example", country: "Japan", lifecyclestage: "customer" },
      { email: "b@x.example", country: "Australia", lifecyclestage: "evangelist", hs_email_optout: "true" },
      { email: "c@x.example", country: "Japan", lifecyclestage: "lead" },
      { email: "d@x.example", country: "Germany", lifecyclestage: "customer" },
    ],
  });
  const { ports, rt }: { ports: { marketing: MarketingPort }; rt: KitRuntime } = await hubspotPorts(fake);
  return {
    port: ports.marketing,
    rules: { region: ["APAC"], lifecycle: ["customer"] },
    expected: { total: 2, subscribed: 1 },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describe("HubSpot segments: what contacts cannot say is refused, naming the rule", () => {
  it("min_arr", async () => {
    const fake = await startHubSpotFake({ contacts: [] });
    const { ports, rt } = await hubspotPorts(fake);
    await expect(ports.marketing.segmentPreview({ minArr: 1000 }, { sample: 1, cap: 1 })).rejects.toThrow(
      /min_arr/,
    );
    await rt.close(1000);
    await fake.close();
  });
});
