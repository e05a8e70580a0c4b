import { type MixpanelGroupProfile, type RunningMixpanelFake, startMixpanelFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMixpanelConnector, type MixpanelConnector } from "../src/index";
import { FAST_POLICY, timed } from "./helpers";

const GROUP = "4";
const profile = (i: number): MixpanelGroupProfile => ({
  $distinct_id: `co_${i}`,
  $properties: { $name: `Company ${i}`, domain: `company${i}.example`, plan: "pro" },
});

let fake: RunningMixpanelFake;
beforeEach(async () => {
  fake = await startMixpanelFake({ groups: { [GROUP]: Array.from({ length: 2345 }, (_, i) => profile(i)) } });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const engage = () => fake.requests.filter((r) => r.path === "/api/query/engage");
const form = (i: number) => Object.fromEntries(new URLSearchParams(engage()[i]?.body ?? ""));

function exportOnly(policy = {}): Promise<MixpanelConnector> {
  return createMixpanelConnector(
    {
      id: "cs-mp",
      vendor: "mixpanel",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      testCa: fake.ca,
      credentials: { username: "revops.sa", secret: "sa-secret", projectId: "3141592" },
    },
    { policy: { ...FAST_POLICY, ...policy } },
  );
}

describe("Mixpanel group profiles (POST /api/query/engage), checked against query.openapi.yaml", () => {
  it("pages through every profile of a group key on the first page's session_id", async () => {
    const mp = await exportOnly();
    const { value } = await mp.groupProfiles({ dataGroupId: GROUP, properties: ["$name", "domain"] });
    expect(value).toHaveLength(2345);
    expect(value[2344]).toEqual({
      key: "co_2344",
      properties: { $name: "Company 2344", domain: "company2344.example" },
    });
    expect(engage()).toHaveLength(3);
    expect(form(0)).toEqual({ data_group_id: GROUP, output_properties: '["$name","domain"]' });
    expect(form(1).session_id).toBeTruthy();
    expect([form(1).page, form(2).page]).toEqual(["1", "2"]);
    expect(form(2).session_id).toBe(form(1).session_id);
    expect(engage()[0]?.query.get("project_id")).toBe("3141592");
  });

  it("honours Retry-After on a 429 and retries only the page that was refused", async () => {
    const mp = await exportOnly({ deadlineMs: 3000 });
    fake.faults.next(
      {
        kind: "status",
        status: 429,
        retryAfter: "1",
        body: { error: "Query rate limit exceeded", request: "/api/query/engage" },
      },
      { path: "/api/query/engage" },
    );
    const { ms, result } = await timed(() => mp.groupProfiles({ dataGroupId: GROUP }));
    expect(result).toMatchObject({ status: "fulfilled" });
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(engage()).toHaveLength(4);
  });

  it("fails fast, naming the wait, when the hour's queries are used up (the fake's own 60/hour)", async () => {
    fake.state.engage.queriesPerHour = 1;
    const mp = await exportOnly();
    expect(await mp.sdk.limiter.remaining("query")).toMatchObject({ bucket: "query", limit: 60 });
    await expect(mp.groupProfiles({ dataGroupId: GROUP })).rejects.toMatchObject({ kind: "rate_limited" });
    expect(engage().at(-1)?.query.get("project_id")).toBe("3141592");
  });
});
