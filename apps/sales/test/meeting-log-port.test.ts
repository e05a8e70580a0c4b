import type { MeetingLog } from "@revops/model";
import { ensureSandboxLoaded, SandboxCrm } from "@revops/sandbox";
import { openSql, type SqlDb } from "@revops/store";
import { pgSchema, tempDataDir } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrmPort } from "../src/ports";
import { vendorPort } from "./lead-convert-vendors";
import { hubspotMeetingFake, salesforceMeetingFake, vendorEnv } from "./meeting-log-fakes";

// One contract for CrmPort.logMeeting, the same assertions on every provider: the meeting, a task per action line
// and the next step, once per key, and never twice after an ambiguous failure.

const AT = "2026-11-23T15:00:00.000Z";

interface Provider {
  crm: CrmPort;
  system: string;
  dealId: string;
  /** Meetings logged with this subject, tasks with this subject, and the deal's next step, as the system holds them. */
  meetings(subject: string): Promise<number>;
  tasks(subject: string): Promise<number>;
  nextStep(): Promise<string | null>;
  /** The next meeting create is applied, then its answer is lost. */
  loseNextAnswer(): void;
  close(): Promise<void>;
}

const log = (dealId: string, subject: string, nextStep: string | null): MeetingLog => ({
  dealId,
  subject,
  notes: `${subject}\nNext step: ${nextStep}`,
  nextStep,
  tasks: [
    { subject: `${subject} follow-up`, due: "2026-11-27" },
    { subject: `${subject} legal`, due: null },
  ],
  at: AT,
});

function describeLogMeetingContract(name: string, setup: () => Promise<Provider>) {
  describe(`CrmPort.logMeeting contract: ${name}`, () => {
    let p: Provider;
    beforeAll(async () => {
      p = await setup();
    }, 60_000);
    afterAll(async () => p?.close());

    it("logs the meeting, a task per action line and the next step, once per key", async () => {
      const origin = { principal: "ann", idempotencyKey: "ml-1" };
      const w = await p.crm.logMeeting?.(log(p.dealId, "Pricing review", "Send the quote"), origin);
      expect(w).toMatchObject({ system: p.system, recovered: false });
      expect(w?.activityIds).toHaveLength(3);
      expect(w?.activityIds[0]).toBe(w?.id);
      expect(await p.meetings("Pricing review")).toBe(1);
      expect(await p.tasks("Pricing review follow-up")).toBe(1);
      expect(await p.tasks("Pricing review legal")).toBe(1);
      expect(await p.nextStep()).toBe("Send the quote");
      const again = await p.crm.logMeeting?.(log(p.dealId, "Pricing review", "Send the quote"), origin);
      expect(again).toMatchObject({ id: w?.id, activityIds: w?.activityIds, recovered: true });
      expect(await p.meetings("Pricing review")).toBe(1);
      expect(await p.tasks("Pricing review follow-up")).toBe(1);
    });

    it("looks the meeting up after an ambiguous failure instead of logging it twice", async () => {
      p.loseNextAnswer();
      const w = await p.crm.logMeeting?.(log(p.dealId, "Security call", null), {
        principal: "ann",
        idempotencyKey: "ml-2",
      });
      expect(w?.id).toBeTruthy();
      expect(await p.meetings("Security call")).toBe(1);
      expect(await p.tasks("Security call follow-up")).toBe(1);
      // no next step in the log leaves the deal's as it was
      expect(await p.nextStep()).toBe("Send the quote");
    });

    it("answers undefined for a deal that does not exist", async () => {
      const none =
        p.system === "salesforce" ? "006000000000009999" : p.system === "hubspot" ? "9999" : "deal_nope";
      expect(
        await p.crm.logMeeting?.(log(none, "Ghost", null), { principal: "a", idempotencyKey: "ml-3" }),
      ).toBe(undefined);
    });
  });
}

async function sandboxProvider(db: SqlDb, close: () => Promise<void>): Promise<Provider> {
  await ensureSandboxLoaded(db, { scale: 0.05 });
  const deal = await db.one<{ id: string }>(
    "SELECT id FROM sb_deals WHERE stage NOT IN ('closed_won', 'closed_lost') ORDER BY id LIMIT 1",
  );
  const crm = new SandboxCrm(db) as CrmPort;
  let lose = false;
  const count = async (type: string, subject: string) =>
    Number(
      (
        await db.one<{ n: number }>(
          "SELECT COUNT(*) AS n FROM sb_activities WHERE type = ? AND subject = ?",
          [type, subject],
        )
      )?.n,
    );
  return {
    // the sandbox's write is a transaction: "applied, answer lost" is the same plan run a second time
    crm: {
      logMeeting: async (l, origin) => {
        if (lose) {
          lose = false;
          await crm.logMeeting?.(l, origin);
        }
        return crm.logMeeting?.(l, origin);
      },
    } as CrmPort,
    system: "sandbox",
    dealId: deal?.id as string,
    meetings: (subject) => count("meeting", subject),
    tasks: (subject) => count("task", subject),
    nextStep: async () =>
      (await db.one<{ next_step: string | null }>("SELECT next_step FROM sb_deals WHERE id = ?", [deal?.id]))
        ?.next_step ?? null,
    loseNextAnswer: () => {
      lose = true;
    },
    close,
  };
}

describeLogMeetingContract("sandbox on SQLite", async () => {
  const db = await openSql({ dataDir: tempDataDir("meeting-log") });
  return sandboxProvider(db, () => db.close());
});

describeLogMeetingContract("sandbox on PostgreSQL", async () => {
  const { db, drop } = await pgSchema("meeting_log");
  return sandboxProvider(db, drop);
});

describeLogMeetingContract("Salesforce (jsforce) over its fake", async () => {
  const fake = await salesforceMeetingFake();
  const { crm, rt } = await vendorPort(vendorEnv("salesforce", fake.url), fake.url);
  const dealId = [...(fake.state.objects.Opportunity?.keys() ?? [])][0] as string;
  const tasks = (where: (r: Record<string, unknown>) => boolean) =>
    [...(fake.state.objects.Task?.values() ?? [])].filter((r) => r.WhatId === dealId && where(r)).length;
  return {
    crm,
    system: "salesforce",
    dealId,
    meetings: async (subject) =>
      tasks((r) => r.Subject === subject && r.Type === "Meeting" && r.Status === "Completed"),
    tasks: async (subject) => tasks((r) => r.Subject === subject && r.Status === "Not Started"),
    nextStep: async () => (fake.state.objects.Opportunity?.get(dealId)?.NextStep as string) ?? null,
    loseNextAnswer: () => {
      fake.faults.next(
        { kind: "resetAfterHandling" },
        { path: "/services/data/v60.0/sobjects/Task", method: "POST" },
      );
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});

describeLogMeetingContract("HubSpot (@hubspot/api-client) over its fake", async () => {
  const fake = await hubspotMeetingFake();
  const { crm, rt } = await vendorPort(vendorEnv("hubspot", fake.url), fake.url);
  const count = (type: "meetings" | "tasks", prop: string, subject: string) => {
    const found = [...fake.state.objects[type].values()].filter((r) => r.properties[prop] === subject);
    // each engagement is associated with the deal (and its company), as the create asked
    for (const r of found) expect(fake.state.associations.get(`${type}:${r.id}`)?.deals).toEqual(["1001"]);
    return found.length;
  };
  return {
    crm,
    system: "hubspot",
    dealId: "1001",
    meetings: async (subject) => count("meetings", "hs_meeting_title", subject),
    tasks: async (subject) => count("tasks", "hs_task_subject", subject),
    nextStep: async () => fake.state.objects.deals.get("1001")?.properties.hs_next_step || null,
    loseNextAnswer: () => {
      fake.faults.next({ kind: "resetAfterHandling" }, { path: "/crm/v3/objects/meetings", method: "POST" });
    },
    close: async () => {
      await rt.close(1000);
      await fake.close();
    },
  };
});
