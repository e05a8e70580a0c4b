import { type HubSpotState, type RunningFake, seedHubSpotForms, startHubSpotFake } from "@revops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHubSpotMarketingConnector } from "../src/index";
import { FAST_POLICY } from "./helpers";

let fake: RunningFake<HubSpotState>;
let ids: string[];
const connector = () =>
  createHubSpotMarketingConnector(
    {
      id: "acme-hubspot",
      vendor: "hubspot",
      baseUrl: fake.url,
      allowInsecureTestBaseUrl: true,
      credentials: { accessToken: "pat-na1-test" },
    },
    { policy: FAST_POLICY },
  );

beforeEach(async () => {
  fake = await startHubSpotFake();
  const submissions = Array.from({ length: 60 }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
  }));
  ids = seedHubSpotForms(fake.state, [
    { name: "Request a demo", submissions },
    ...Array.from({ length: 51 }, (_, i) => ({ name: `Form ${i + 2}` })),
    { name: "Old", archived: true },
  ]);
});
afterEach(async () => {
  await fake.close();
});

describe("HubSpot forms", () => {
  it("lists Forms v3 definitions through the SDK, 50 a page with after, archived ones left out", async () => {
    const c = await connector();
    const first = (await c.forms.formsPage()).value;
    expect(first.results).toHaveLength(50);
    expect(first.results[0]).toMatchObject({
      id: ids[0],
      name: "Request a demo",
      formType: "hubspot",
      archived: false,
    });
    const second = (await c.forms.formsPage(first.nextCursor)).value;
    expect(second.results.map((f) => f.name)).toEqual(["Form 51", "Form 52"]);
    expect(second.nextCursor).toBeUndefined();
    expect(fake.requests[0]?.path).toBe("/marketing/v3/forms/");
    expect(fake.requests[0]?.query.get("limit")).toBe("50");
  });

  it("pages a form's submissions newest first with epoch-millisecond times", async () => {
    const c = await connector();
    const first = (await c.forms.submissionsPage(ids[0] as string)).value;
    expect(first.results).toHaveLength(50);
    expect(first.results[0]?.submittedAt).toBe(Date.UTC(2026, 10, 1) + 59 * 3_600_000);
    const second = (await c.forms.submissionsPage(ids[0] as string, first.nextCursor)).value;
    expect(second.results).toHaveLength(10);
    expect(second.nextCursor).toBeUndefined();
  });

  it("an unknown form is not found", async () => {
    const err = await (await connector()).forms.submissionsPage("nope").catch((e) => e);
    expect(err).toMatchObject({ kind: "not_found" });
  });
});
