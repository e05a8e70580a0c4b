import type { HubSpotState, RunningFake, SalesforceState } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connectSalesWithSafety, phraseIn, type SalesHarness } from "./deal-update-harness";
import { hubspotMeetingFake, salesforceMeetingFake, vendorEnv } from "./meeting-log-fakes";

// meeting_log end to end through the official MCP client and the safety stack, the CRM being each vendor's fake.

const NOTES =
  "Pricing review with the CFO.\nNext step: Send the revised quote\n- [ ] Send security questionnaire by 2026-11-27";

describe.each(["salesforce", "hubspot"] as const)("meeting_log end to end on %s", (vendor) => {
  let fake: RunningFake<SalesforceState> | RunningFake<HubSpotState>;
  let h: SalesHarness;
  let dealId: string;
  beforeAll(async () => {
    fake = vendor === "salesforce" ? await salesforceMeetingFake() : await hubspotMeetingFake();
    dealId =
      vendor === "salesforce"
        ? ([...((fake.state as SalesforceState).objects.Opportunity?.keys() ?? [])][0] as string)
        : "1001";
    for (const [k, v] of Object.entries(vendorEnv(vendor, fake.url))) vi.stubEnv(k, v);
    h = await connectSalesWithSafety();
    await h.call("deals_list", { limit: 1 }); // the ports are built on the first call, from this environment
    vi.unstubAllEnvs();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });

  it("previews the log, then writes the meeting, the task and the next step once a human confirms", async () => {
    const dry = await h.call("meeting_log", { deal_id: dealId, notes: NOTES, dry_run: true });
    expect(dry.isError, dry.text).toBe(false);
    expect(dry.data.plan).toMatchObject({ action: "create", system: vendor });
    expect(dry.data.plan.tasks).toEqual([{ subject: "Send security questionnaire", due: "2026-11-27" }]);
    h.answerWith((p) => ({ action: "accept", content: { confirmation: phraseIn(p.message) ?? "" } }));
    const r = await h.callAsking("meeting_log", { deal_id: dealId, notes: NOTES });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ next_step: "Send the revised quote", written: { system: vendor } });
    expect(r.data.task_ids).toHaveLength(1);
    if (vendor === "salesforce") {
      const s = fake.state as SalesforceState;
      const meeting = s.objects.Task?.get(r.data.activity_id);
      expect(meeting).toMatchObject({
        WhatId: dealId,
        Type: "Meeting",
        Status: "Completed",
        Description: NOTES,
      });
      expect(s.objects.Task?.get(r.data.task_ids[0])).toMatchObject({
        Subject: "Send security questionnaire",
        ActivityDate: "2026-11-27",
      });
      expect(s.objects.Opportunity?.get(dealId)?.NextStep).toBe("Send the revised quote");
    } else {
      const s = fake.state as HubSpotState;
      expect(s.objects.meetings.get(r.data.activity_id)?.properties).toMatchObject({
        hs_meeting_title: "Meeting: Pricing review with the CFO.",
        hs_meeting_body: NOTES,
        hs_meeting_outcome: "COMPLETED",
      });
      expect(s.associations.get(`meetings:${r.data.activity_id}`)).toEqual({
        deals: ["1001"],
        companies: ["1002"],
      });
      expect(s.objects.tasks.get(r.data.task_ids[0])?.properties.hs_task_subject).toBe(
        "Send security questionnaire",
      );
      expect(s.objects.deals.get("1001")?.properties.hs_next_step).toBe("Send the revised quote");
    }
    expect(fake.violations).toEqual([]);
  });

  it("names a deal the vendor does not have", async () => {
    const none = vendor === "salesforce" ? "006000000000009999" : "9999";
    const r = await h.call("meeting_log", { deal_id: none, notes: "x", dry_run: true });
    expect(r.text).toMatch(/deal_id: no deal/);
  });
});

describe("the vendor fakes refuse a meeting log as the vendors do", () => {
  it("Salesforce: an unknown Task field, a Status off the picklist, a WhatId that names nothing", async () => {
    const fake = await salesforceMeetingFake();
    try {
      const post = (body: object) =>
        fetch(`${fake.url}/services/data/v60.0/sobjects/Task`, {
          method: "POST",
          headers: { authorization: "Bearer 00D-static-token", "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, text: await r.text() }));
      const dealId = [...(fake.state.objects.Opportunity?.keys() ?? [])][0];
      expect(await post({ Subject: "x", WhatId: dealId, Mood__c: "good" })).toMatchObject({ status: 400 });
      expect((await post({ Subject: "x", WhatId: dealId, Outcome: "good" })).text).toMatch(/INVALID_FIELD/);
      expect((await post({ Subject: "x", WhatId: dealId, Status: "Done" })).text).toMatch(
        /RESTRICTED_PICKLIST/,
      );
      expect((await post({ Subject: "x", WhatId: "006000000000009999" })).text).toMatch(
        /INVALID_CROSS_REFERENCE/,
      );
    } finally {
      await fake.close();
    }
  });

  it("HubSpot: a meeting without hs_timestamp, with an unknown property or outcome", async () => {
    const fake = await hubspotMeetingFake();
    try {
      const post = (properties: Record<string, string>) =>
        fetch(`${fake.url}/crm/v3/objects/meetings`, {
          method: "POST",
          headers: { authorization: "Bearer pat-test", "content-type": "application/json" },
          body: JSON.stringify({ properties }),
        }).then(async (r) => ({ status: r.status, text: await r.text() }));
      const missing = await post({ hs_meeting_title: "x" });
      expect(missing.status).toBe(400);
      expect(missing.text).toMatch(/hs_timestamp is required/);
      const ts = { hs_timestamp: "2026-11-23T15:00:00.000Z" };
      expect((await post({ ...ts, hs_mood: "good" })).text).toMatch(/PROPERTY_DOESNT_EXIST/);
      expect((await post({ ...ts, hs_meeting_outcome: "DONE" })).text).toMatch(/INVALID_OPTION/);
      expect((await post({ ...ts, hs_meeting_title: "ok" })).status).toBe(201);
    } finally {
      await fake.close();
    }
  });
});
