import { describe, expect, it } from "vitest";
import { type Framework, type QualifyInput, qualify, RULES } from "../src/domain/qualification";
import { mapCommittee, seniorityFromTitle } from "../src/domain/stakeholders";

const act = (id: string, subject: string, occurredAt = "2026-11-20T10:00:00Z") => ({
  id,
  subject,
  occurredAt,
});
const person = (id: string, title: string, role: string | null = null) => ({
  id,
  name: `P ${id}`,
  title,
  role,
});
const empty: QualifyInput = { nextStep: null, activities: [], contacts: [] };
const element = (deal: QualifyInput, framework: Framework, name: string) =>
  qualify(deal, framework).elements.find((e) => e.element === name);

describe("qualify: each element's evidence and its missing case", () => {
  // one subject that evidences exactly one element per framework
  const cases: [Framework, string, string][] = [
    ["bant", "budget", "Budget confirmed for Q1"],
    ["bant", "budget", "Quote at $40k sent"],
    ["bant", "authority", "Executive sign-off meeting"],
    ["bant", "need", "Discovery call"],
    ["bant", "timeline", "Go-live deadline agreed"],
    ["meddicc", "metrics", "ROI business case review"],
    ["meddicc", "economic_buyer", "Meeting with the economic buyer"],
    ["meddicc", "decision_criteria", "Security review documents"],
    ["meddicc", "decision_process", "Procurement call"],
    ["meddicc", "decision_process", "Contract walkthrough"],
    ["meddicc", "identify_pain", "Their main problem: churn"],
    ["meddicc", "champion", "Champion check-in"],
    ["meddicc", "competition", "Competitive intel"],
    ["champ", "challenges", "Challenges in onboarding"],
    ["champ", "authority", "Approval path from the executive team"],
    ["champ", "money", "Pricing discussion"],
    ["champ", "prioritization", "Top priority for the quarter"],
  ];
  it.each(cases)("%s %s is known from %j, quoted with the activity's id and date", (fw, name, subject) => {
    const e = element({ ...empty, activities: [act("a1", subject)] }, fw, name);
    expect(e?.known).toBe(true);
    expect(e?.evidence).toEqual([
      { source: "activity", id: "a1", at: "2026-11-20T10:00:00Z", excerpt: expect.any(String) },
    ]);
    expect(subject).toContain(e?.evidence[0]?.excerpt);
    expect(e?.ask).toEqual([]);
  });

  it.each(Object.entries(RULES).flatMap(([fw, rules]) => Object.keys(rules).map((el) => [fw, el])))(
    "%s %s is missing on a bare deal, with questions to ask",
    (fw, name) => {
      const e = element(empty, fw as Framework, name);
      expect(e).toMatchObject({ known: false, evidence: [] });
      expect(e?.ask.length).toBeGreaterThan(0);
    },
  );

  it("reads the next step and quotes a short excerpt around the match", () => {
    const long = `${"x".repeat(150)} competitor named ${"y".repeat(150)}`;
    const e = element({ ...empty, nextStep: long }, "meddicc", "competition");
    expect(e?.evidence[0]).toMatchObject({ source: "next_step", id: null, at: null });
    expect(e?.evidence[0]?.excerpt.length).toBeLessThanOrEqual(80);
    expect(e?.evidence[0]?.excerpt).toContain("competitor");
  });

  it("takes the economic buyer from a CRM role, else a C-level or VP title; the champion only from a CRM role", () => {
    const byRole = { ...empty, contacts: [person("c1", "Analyst", "Economic Buyer")] };
    expect(element(byRole, "meddicc", "economic_buyer")?.evidence).toEqual([
      { source: "contact", id: "c1", at: null, excerpt: "P c1: Economic Buyer" },
    ]);
    expect(element({ ...empty, contacts: [person("c2", "CFO")] }, "bant", "authority")?.known).toBe(true);
    expect(element({ ...empty, contacts: [person("c3", "VP Finance")] }, "champ", "authority")?.known).toBe(
      true,
    );
    // a recorded role wins over the title: a CFO recorded as an influencer is no buyer
    expect(
      element({ ...empty, contacts: [person("c4", "CFO", "Influencer")] }, "meddicc", "economic_buyer")
        ?.known,
    ).toBe(false);
    expect(element({ ...empty, contacts: [person("c5", "Data Analyst")] }, "bant", "authority")?.known).toBe(
      false,
    );
    expect(
      element({ ...empty, contacts: [person("c6", "Analyst", "Champion")] }, "meddicc", "champion")?.known,
    ).toBe(true);
    expect(element({ ...empty, contacts: [person("c7", "Director")] }, "meddicc", "champion")?.known).toBe(
      false,
    );
  });

  it("keeps at most three pieces of evidence and scores known / total", () => {
    const deal = { ...empty, activities: ["a", "b", "c", "d"].map((id) => act(id, "Budget confirmed")) };
    const r = qualify(deal, "bant");
    expect(r.elements.find((e) => e.element === "budget")?.evidence.map((e) => e.id)).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(r.score).toEqual({ known: 1, total: 4 });
    expect(qualify(empty, "meddicc").score).toEqual({ known: 0, total: 7 });
  });
});

describe("mapCommittee", () => {
  const today = "2026-12-01";
  const contact = (
    id: string,
    title: string,
    role: string | null,
    activities: number | null,
    last: string | null,
  ) => ({
    id,
    name: id,
    title,
    role,
    activities,
    lastActivityAt: last,
  });

  it("counts each contact's activities in the last 30 and 90 days and names the role's source", () => {
    const r = mapCommittee(
      {
        activities: [
          { contactId: "cfo", occurredAt: "2026-12-01T09:00:00Z" },
          { contactId: "cfo", occurredAt: "2026-11-02T09:00:00Z" }, // 29 days back
          { contactId: "cfo", occurredAt: "2026-11-01T09:00:00Z" }, // 30 days back: outside 30d
          { contactId: "cfo", occurredAt: "2026-09-01T09:00:00Z" }, // 91 days back
          { contactId: "ana", occurredAt: "2026-10-01T09:00:00Z" },
          { contactId: null, occurredAt: "2026-11-30T09:00:00Z" },
        ],
        contacts: [
          contact("cfo", "Chief Financial Officer", null, 4, "2026-12-01T09:00:00Z"),
          contact("ana", "Data Analyst", "Champion", 1, "2026-10-01T09:00:00Z"),
        ],
      },
      today,
    );
    expect(
      r.people.map((p) => [p.id, p.role, p.role_source, p.seniority, p.last_30d, p.last_90d, p.last_touch]),
    ).toEqual([
      ["cfo", "economic_buyer", "title", "c_level", 2, 3, "2026-12-01"],
      ["ana", "Champion", "crm", "individual", 0, 1, "2026-10-01"],
    ]);
    expect(r.gaps).toEqual([]);
  });

  it("names every gap with advice on a one-person deal with no buyer, champion or recent executive", () => {
    const r = mapCommittee(
      { activities: [], contacts: [contact("u", "Engineer", null, 2, "2026-10-01T00:00:00Z")] },
      today,
    );
    expect(r.gaps.map((g) => g.gap)).toEqual([
      "single_threaded",
      "no_economic_buyer",
      "no_champion",
      "no_exec_engagement_30d",
    ]);
    for (const g of r.gaps) expect(g.advice.length).toBeGreaterThan(10);
  });

  it("flags a VP last touched 31 days ago and leaves windows null where the CRM does not link activities", () => {
    const r = mapCommittee(
      { activities: [], contacts: [contact("vp", "VP Sales", null, null, "2026-10-31")] },
      today,
    );
    expect(r.people[0]).toMatchObject({ seniority: "vp", last_30d: null, last_90d: null, activities: null });
    expect(r.gaps.map((g) => g.gap)).toContain("no_exec_engagement_30d");
  });

  it("finds the economic buyer by deal_qualify's rule: a CRM role first, else a C-level or VP title", () => {
    const gapsOf = (c: ReturnType<typeof contact>) =>
      mapCommittee({ activities: [], contacts: [c] }, today).gaps.map((g) => g.gap);
    expect(gapsOf(contact("vp", "VP Sales", null, 1, null))).not.toContain("no_economic_buyer");
    expect(gapsOf(contact("cfo", "CFO", "Influencer", 1, null))).toContain("no_economic_buyer");
    expect(gapsOf(contact("u", "Analyst", "Economic Buyer", 1, null))).not.toContain("no_economic_buyer");
    expect(gapsOf(contact("u", "Analyst", "Coach", 1, null))).not.toContain("no_champion");
  });

  it("reads seniority from titles", () => {
    expect(seniorityFromTitle("CEO")).toBe("c_level");
    expect(seniorityFromTitle("Head of IT")).toBe("vp");
    expect(seniorityFromTitle("Director of Ops")).toBe("director");
    expect(seniorityFromTitle("Product Manager")).toBe("manager");
    expect(seniorityFromTitle("Analyst")).toBe("individual");
    expect(seniorityFromTitle(" ")).toBe("unknown");
  });
});
