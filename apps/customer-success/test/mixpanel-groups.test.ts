import { createMixpanelConnector } from "@revops/connectors";
import { type RunningMixpanelFake, startMixpanelFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MixpanelGroups } from "../src/integrations/mixpanel/groups";

let fake: RunningMixpanelFake;
beforeAll(async () => {
  fake = await startMixpanelFake({
    groups: {
      "3": [
        {
          $distinct_id: "co_1",
          $properties: {
            $name: " Acme Corp ",
            website: "https://www.acme.com/",
            sf_id: "001A",
            plan: "pro",
            seats: 40,
            notes: "x".repeat(200),
          },
        },
        { $distinct_id: "co_2", $properties: { website: "  ", sf_id: 42 } },
      ],
    },
  });
});
afterAll(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

async function groups(crmProperty?: string, factProperties: string[] = []) {
  const mp = await createMixpanelConnector({
    id: "cs-mixpanel",
    vendor: "mixpanel",
    baseUrl: fake.url,
    allowInsecureTestBaseUrl: true,
    testCa: fake.ca,
    credentials: { username: "revops.sa", secret: "sa-secret", projectId: "3141592" },
  });
  return new MixpanelGroups(mp, {
    dataGroupId: "3",
    domainProperty: "website",
    ...(crmProperty ? { crmProperty } : {}),
    factProperties,
  });
}

describe("Mixpanel group profiles as identity-graph companies", () => {
  it("maps the group key, $name and the configured properties, asking for those only, once per five minutes", async () => {
    const g = await groups("sf_id");
    const before = fake.requests.length;
    expect(await g.companies()).toEqual([
      {
        system: "mixpanel",
        externalId: "co_1",
        name: "Acme Corp",
        domain: "https://www.acme.com/",
        crmRef: "001A",
      },
      // unnamed: named by its key; a blank website is no domain; a numeric CRM id is text
      { system: "mixpanel", externalId: "co_2", name: "co_2", domain: null, crmRef: "42" },
    ]);
    const sent = new URLSearchParams(fake.requests.at(-1)?.body ?? "");
    expect(JSON.parse(sent.get("output_properties") ?? "")).toEqual(["$name", "website", "sf_id"]);
    await g.companies();
    expect(fake.requests.length - before).toBe(1);
  });

  it("serves a group's fact properties from the same request: absent ones left out, long ones cut", async () => {
    const g = await groups(undefined, ["plan", "seats", "notes", "$last_seen"]);
    const before = fake.requests.length;
    expect(await g.facts("co_1")).toEqual({
      key: "co_1",
      name: "Acme Corp",
      properties: { plan: "pro", seats: 40, notes: "x".repeat(80) },
    });
    expect(await g.facts("co_2")).toEqual({ key: "co_2", name: "co_2", properties: {} });
    expect(await g.facts("co_9")).toBeUndefined();
    await g.companies();
    expect(fake.requests.length - before).toBe(1);
    const sent = new URLSearchParams(fake.requests.at(-1)?.body ?? "");
    expect(JSON.parse(sent.get("output_properties") ?? "")).toEqual([
      "$name",
      "website",
      "plan",
      "seats",
      "notes",
      "$last_seen",
    ]);
  });

  it("stores no CRM id without MIXPANEL_GROUP_CRM_PROPERTY", async () => {
    expect((await (await groups()).companies()).map((c) => c.crmRef)).toEqual([null, null]);
  });
});
