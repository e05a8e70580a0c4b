import { describe, expect, it } from "vitest";
import { covers, regionOfCountry, routeLeads, speedToLead } from "../src/domain/lead-routing";

const lead = (id: string, region?: string, sizeBand?: string) => ({
  id,
  name: id,
  email: `${id}@x.example`,
  company: id,
  source: "organic",
  score: 50,
  mqlAt: "2026-11-01T00:00:00Z",
  ...(region ? { region, sizeBand } : {}),
});
const owners = [
  { id: "o1", name: "EMEA seller", email: "", team: "EMEA" },
  { id: "o2", name: "NA enterprise", email: "", team: "NA Enterprise" },
  { id: "o3", name: "NA mid-market", email: "", team: "NA Mid-Market" },
  { id: "o4", name: "NA mid-market 2", email: "", team: "NA Mid-Market" },
];

describe("lead routing", () => {
  it("territory: region and segment pick the team; no territory falls back to everyone", () => {
    expect(covers(owners[1] as never, lead("a", "NA", "1000+"))).toBe(true);
    expect(covers(owners[2] as never, lead("a", "NA", "1000+"))).toBe(false);
    expect(covers(owners[2] as never, lead("a", "NA", "51-200"))).toBe(true);
    const r = routeLeads(
      [
        lead("a", "EMEA", "1-50"),
        lead("b", "NA", "1000+"),
        lead("c", "NA", "51-200"),
        lead("d", "NA", "1-50"),
        lead("e"),
      ],
      owners,
      "territory",
    );
    expect(r.map((x) => [x.lead.id, x.owner.id, x.byTerritory])).toEqual([
      ["a", "o1", true],
      ["b", "o2", true],
      ["c", "o3", true],
      ["d", "o4", true],
      ["e", "o1", false],
    ]);
  });

  it("round robin goes to the least-loaded owner, counting earlier hand-offs", () => {
    const r = routeLeads(
      [lead("a"), lead("b"), lead("c")],
      owners,
      "round_robin",
      new Map([
        ["o1", 2],
        ["o2", 1],
      ]),
    );
    expect(r.map((x) => x.owner.id)).toEqual(["o3", "o4", "o2"]);
  });

  it("maps countries to regions and measures speed-to-lead against the SLA", () => {
    expect(regionOfCountry(" Germany ")).toBe("EMEA");
    expect(regionOfCountry("BR")).toBe("LATAM");
    expect(regionOfCountry("Atlantis")).toBeUndefined();
    expect(regionOfCountry(null)).toBeUndefined();
    const h = (hours: number) => ({
      leadId: "l",
      ownerId: "o",
      mqlAt: "2026-11-01T00:00:00Z",
      handedAt: new Date(Date.parse("2026-11-01T00:00:00Z") + hours * 3_600_000).toISOString(),
    });
    expect(speedToLead([h(2), h(30), h(10), h(50)], 24)).toEqual({
      handed: 4,
      within_sla: 2,
      share_within_sla: 0.5,
      median_hours: 20,
      p90_hours: 44,
    });
    expect(speedToLead([], 24)).toMatchObject({ handed: 0, share_within_sla: null, median_hours: null });
  });
});
