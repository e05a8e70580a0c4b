import { annotations, untrustedName, userError } from "@revops/kit";
import { z } from "zod";
import { salesTool } from "../../ports";
import type { ProspectFilter } from "../../ports-prospecting";
import { crmByDomain, markPerson } from "./in-crm";
import { prospectingOf } from "./ports";
import { prospectingToolset } from "./toolset";

const SENIORITIES = ["c_suite", "vp", "head", "director", "manager", "senior", "entry"];

/** A comma-separated list (an array is taken too): a list schema would cost tokens on every turn. */
const list = () =>
  z
    .preprocess(
      // an array of strings is the same list; anything else stays as sent, so the error names the field
      (v) => (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string") ? v.join(",") : v),
      z.string().transform((v) =>
        v
          .split(",")
          .map((w) => w.trim())
          .filter(Boolean)
          .slice(0, 25),
      ),
    )
    .optional();

const input = z
  .object({
    companies: z.boolean().default(false),
    titles: list(),
    seniority: list(),
    domains: list(),
    industry: list(),
    location: list(),
    employees: z.string().optional(),
    page: z.number().int().min(1).max(500).default(1),
  })
  .strict();
type Input = z.output<typeof input>;

const PAGE = 25;
const InCrmSchema = z.enum(["contact", "account"]).nullable().describe("Already in the CRM as");
const outside = () => untrustedName(z.string(), "Apollo").nullable();

const output = z.object({
  find: z.enum(["people", "companies"]),
  people: z
    .array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "Apollo"),
        title: outside(),
        seniority: z.string().nullable(),
        company: outside(),
        domain: z.string().nullable(),
        in_crm: InCrmSchema,
      }),
    )
    .optional(),
  companies: z
    .array(
      z.object({
        id: z.string(),
        name: untrustedName(z.string(), "Apollo"),
        domain: z.string().nullable(),
        industry: outside(),
        employees: z.number().nullable(),
        location: outside(),
        in_crm: InCrmSchema,
        account_id: z.string().nullable(),
      }),
    )
    .optional(),
  total: z.number(),
  page: z.number(),
  credits_spent: z.number(),
  source: z.string(),
  note: z.string(),
});

/** "50-500", "50+" or "-200" → bounds; anything else names the field and the form it takes. */
function employeeRange(raw: string | undefined): Pick<ProspectFilter, "employeesMin" | "employeesMax"> {
  if (raw === undefined) return {};
  const m = /^\s*(\d*)\s*(?:-|–|\+)\s*(\d*)\s*$/.exec(raw);
  const min = m?.[1] ? Number(m[1]) : undefined;
  const max = m?.[2] ? Number(m[2]) : undefined;
  if (!m || (min === undefined && max === undefined) || (min !== undefined && max !== undefined && min > max))
    throw userError(`employees: "${raw.slice(0, 40)}" is not a range.`, {
      fields: ["employees"],
      hint: 'Pass a range such as "50-500", "1000+" or "-200".',
    });
  return { ...(min !== undefined && { employeesMin: min }), ...(max !== undefined && { employeesMax: max }) };
}

function seniorities(values: string[] | undefined): string[] | undefined {
  const bad = values?.filter((v) => !SENIORITIES.includes(v.toLowerCase()));
  if (bad?.length)
    throw userError(`seniority: ${bad.join(", ")} is not an Apollo seniority.`, {
      fields: ["seniority"],
      hint: `Use any of ${SENIORITIES.join(", ")}, comma-separated.`,
    });
  return values?.map((v) => v.toLowerCase());
}

const filterOf = (a: Input): ProspectFilter => ({
  ...(a.titles?.length && { titles: a.titles }),
  ...(a.seniority?.length && { seniorities: seniorities(a.seniority) }),
  ...(a.domains?.length && { domains: a.domains.map((d) => d.toLowerCase().replace(/^www\./, "")) }),
  ...(a.industry?.length && { industries: a.industry }),
  ...(a.location?.length && { locations: a.location }),
  ...employeeRange(a.employees),
  page: a.page,
  perPage: PAGE,
});

export const prospectsFind = salesTool({
  name: "prospects_find",
  title: "Find prospects",
  description:
    "Apollo people (or companies) by title, seniority, domain, industry, size, location; flags CRM matches.",
  toolset: prospectingToolset.name,
  scopes: ["sales:read"],
  ports: ["crm", "prospecting"],
  annotations: annotations.read,
  input,
  output,
  handler: async ({ input: a, ctx }) => {
    const dir = prospectingOf(ctx.ports);
    const filter = filterOf(a);
    const find = a.companies ? ("companies" as const) : ("people" as const);
    if (a.companies && (a.titles?.length || a.seniority?.length))
      throw userError("titles and seniority filter people, not companies.", {
        fields: ["titles", "seniority"],
        hint: "Drop them, or leave companies unset to find people.",
      });
    const base = { find, page: a.page, source: dir.source };
    if (!a.companies) {
      const found = await dir.findPeople(filter);
      const known = await crmByDomain(
        ctx.ports.crm,
        found.rows.map((p) => p.domain),
      );
      const people = found.rows.map((p) => ({
        id: p.id,
        name: [p.firstName, p.lastNameMasked].filter(Boolean).join(" "),
        title: p.title,
        seniority: p.seniority,
        company: p.company,
        domain: p.domain,
        in_crm: markPerson(known, p.domain, p.firstName, p.lastNameMasked),
      }));
      return {
        ...base,
        people,
        total: found.total,
        credits_spent: 0,
        note: `Showing ${people.length} of ${found.total}; people search spends no credit, and Apollo masks last names and withholds emails until account_enrich reveals them.`,
      };
    }
    const found = await dir.findCompanies(filter);
    const known = await crmByDomain(
      ctx.ports.crm,
      found.rows.map((c) => c.domain),
    );
    const companies = found.rows.map((c) => {
      const account = c.domain ? known.get(c.domain) : undefined;
      return { ...c, in_crm: account ? ("account" as const) : null, account_id: account?.accountId ?? null };
    });
    return {
      ...base,
      companies,
      total: found.total,
      credits_spent: found.credits,
      note: `Showing ${companies.length} of ${found.total}; ${found.credits} credit${found.credits === 1 ? "" : "s"} spent${dir.source === "sandbox" ? " (sandbox directory: simulated, no money)" : ""}.`,
    };
  },
  render: (o) =>
    [
      ...(o.people ?? []).map(
        (p) =>
          `${p.name} — ${p.title ?? "?"}, ${p.company ?? p.domain ?? "?"}${p.in_crm ? ` [in CRM: ${p.in_crm}]` : ""}`,
      ),
      ...(o.companies ?? []).map(
        (c) =>
          `${c.name} (${c.domain ?? "?"}) ${c.industry ?? "?"}, ${c.employees ?? "?"} employees${c.account_id ? ` [in CRM: ${c.account_id}]` : ""}`,
      ),
      o.note,
    ].join("\n"),
  example: { seniority: "vp", titles: "sales" },
});
