import { annotations, notFound, untrustedName, userError, WrittenSchema } from "@revops/kit";
import type { AccountDetail } from "@revops/model";
import { VENDOR_PRICES } from "@revops/resilience";
import { z } from "zod";
import type { SalesPorts } from "../../ports";
import { salesTool } from "../../ports";
import type { AccountFirmographics, AccountWritePort, CompanyProfile } from "../../ports-prospecting";
import { enrichOnce } from "./enrich-once";
import { confirmAbove, prospectingOf } from "./ports";
import { prospectingToolset } from "./toolset";

const input = z
  .object({
    account_id: z.string().min(1).max(64),
    people: z.number().int().min(0).max(10).default(0).describe("1 credit each"),
    write_back: z.boolean().default(false),
  })
  .strict();
type Input = z.output<typeof input>;

const WRITABLE = ["industry", "employees", "country"] as const;
type Writable = (typeof WRITABLE)[number];
const Value = z.union([z.string(), z.number(), z.null()]);
const ChangeSchema = z.object({ field: z.string(), before: Value, after: Value, writable: z.boolean() });
type Change = z.output<typeof ChangeSchema>;

const output = z.object({
  account: z.object({ id: z.string(), name: z.string(), domain: z.string() }),
  found: z.boolean(),
  changes: z.array(ChangeSchema).describe("CRM value → directory value, differing fields only"),
  people: z.array(
    z.object({
      name: untrustedName(z.string(), "Apollo"),
      title: untrustedName(z.string(), "Apollo").nullable(),
      email: z.string().nullable(),
      in_crm: z.boolean(),
    }),
  ),
  credits_spent: z.number(),
  written: WrittenSchema.nullable(),
  source: z.string(),
  note: z.string(),
});

const CREDIT_USD = VENDOR_PRICES.apollo?.["organizations.enrich"] ?? 0;
const credits = (a: Input) => 1 + a.people;

async function accountOf(ports: SalesPorts, id: string): Promise<AccountDetail> {
  const account = await ports.crm.getAccount(id);
  if (!account)
    throw notFound(`account_id: no account ${id}.`, {
      fields: ["account_id"],
      hint: "Find the account with accounts_search and pass its id.",
    });
  return account;
}

const same = (a: string | number | null, b: string | number | null) =>
  typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;

/** The directory's industry as the CRM stores it; null when the CRM has no value for it (never written). */
const industryIn = (p: CompanyProfile, write?: AccountWritePort) =>
  p.industry && write?.industryValue ? write.industryValue(p.industry) : p.industry;

/** CRM → directory for each field the directory knows; only differing ones. */
function changesOf(account: AccountDetail, p: CompanyProfile, write?: AccountWritePort): Change[] {
  const industry = industryIn(p, write);
  const rows: [string, string | number | null, string | number | null][] = [
    ["industry", account.industry, industry ?? p.industry],
    ["employees", account.employees, p.employees],
    ["country", account.country || null, p.country],
    ["revenue_band", null, p.revenueBand],
    ["technologies", null, p.technologies.length ? p.technologies.join(", ") : null],
  ];
  return rows
    .filter(([, before, after]) => after !== null && !same(before, after))
    .map(([field, before, after]) => ({
      field,
      before,
      after,
      writable:
        (WRITABLE as readonly string[]).includes(field) && !(field === "industry" && industry === null),
    }));
}

/** What the plan must say it leaves out: a directory industry the CRM has no value for (HubSpot's enumeration). */
function leftOut(p: CompanyProfile | undefined, ports: SalesPorts): string[] {
  return p?.industry && industryIn(p, ports.accountWrite) === null
    ? [`industry "${p.industry}": ${ports.source} has no industry option for it, so it is not written`]
    : [];
}

/** The writable changes as the port takes them, and the "before" the write must still find. */
function writeOf(changes: Change[]): { update: AccountFirmographics; expected: AccountFirmographics } {
  const update: AccountFirmographics = {};
  const expected: AccountFirmographics = {};
  for (const c of changes.filter((c) => c.writable)) {
    Object.assign(update, { [c.field as Writable]: c.after });
    Object.assign(expected, { [c.field as Writable]: c.before ?? undefined });
  }
  return { update, expected };
}

/** Enrichment for a write-back plan: reused when already bought, refused when it would exceed the unconfirmed size. */
async function planEnrichment(ports: SalesPorts, a: Input, domain: string) {
  const dir = prospectingOf(ports);
  if (credits(a) > confirmAbove(ports) && !enrichOnce.has(dir, domain, a.people))
    throw userError(
      `write_back with people: ${a.people} would spend ${credits(a)} credits before the update is confirmed.`,
      {
        fields: ["write_back"],
        hint: "Call account_enrich without write_back first (its spend is confirmed), then again with write_back within 15 minutes: the enrichment is reused, no second charge.",
      },
    );
  return enrichOnce(dir, domain, a.people);
}

export const accountEnrich = salesTool({
  name: "account_enrich",
  title: "Enrich an account",
  description:
    "Apollo firmographics for an account, CRM before → after; reveals people, saves fields (confirmed).",
  toolset: prospectingToolset.name,
  scopes: ["sales:write"],
  ports: ["crm", "accountWrite", "prospecting"],
  annotations: annotations.update,
  input,
  output,
  guard: {
    kind: (a) => (a.write_back ? "destructive" : "spend"),
    needed: (a, ctx) => a.write_back || credits(a) > confirmAbove(ctx.ports),
    preview: async (a, ctx) => {
      const account = await accountOf(ctx.ports, a.account_id);
      const source = prospectingOf(ctx.ports).source;
      const records = [{ id: account.id, name: account.name }];
      if (!a.write_back)
        return {
          summary: `Spend up to ${credits(a)} Apollo credits on ${account.name} (${account.domain}): 1 company enrichment${a.people ? ` and ${a.people} people revealed` : ""}; no match costs nothing.`,
          action: "spend",
          records,
          credits: credits(a),
          amount: source === "sandbox" ? 0 : credits(a) * CREDIT_USD,
          currency: "USD",
          counts_toward_caps: false,
          system: source,
        };
      const { profile } = await planEnrichment(ctx.ports, a, account.domain);
      const changes = profile
        ? changesOf(account, profile, ctx.ports.accountWrite).filter((c) => c.writable)
        : [];
      const left = leftOut(profile, ctx.ports);
      if (changes.length === 0)
        throw userError(
          `Nothing to write back: the directory agrees with ${account.name}'s CRM fields${left.length ? ` (${left.join("; ")})` : ""}.`,
          { fields: ["write_back"], hint: "Call without write_back to see the enrichment." },
        );
      return {
        summary: `Update account "${account.name}": ${changes.map((c) => `${c.field} ${c.before ?? "(none)"} → ${c.after}`).join("; ")}${left.length ? `. Left out: ${left.join("; ")}` : ""}`,
        action: "update",
        record_type: "account",
        records,
        changes,
        ...(left.length && { left_out: left }),
        system: ctx.ports.source,
      };
    },
  },
  handler: async ({ input: a, ctx }) => {
    const account = await accountOf(ctx.ports, a.account_id);
    const got = await (a.write_back
      ? planEnrichment(ctx.ports, a, account.domain)
      : enrichOnce(prospectingOf(ctx.ports), account.domain, a.people));
    const base = {
      account: { id: account.id, name: account.name, domain: account.domain },
      credits_spent: got.reused ? 0 : got.credits,
      source: got.source,
    };
    if (!got.profile)
      return {
        ...base,
        found: false,
        changes: [],
        people: [],
        written: null,
        note: `The directory has no company at ${account.domain}; no credit spent.`,
      };
    const changes = changesOf(account, got.profile, ctx.ports.accountWrite);
    const people = [];
    for (const p of got.people)
      people.push({ ...p, in_crm: !!p.email && !!(await ctx.ports.crm.contactByEmail(p.email)) });
    let written: { system: string; id: string } | null = null;
    if (a.write_back) {
      if (!ctx.ports.accountWrite)
        throw userError(`write_back: the ${ctx.ports.source} CRM does not take enriched fields yet.`, {
          fields: ["write_back"],
          hint: "Call without write_back and update the account in the CRM itself.",
        });
      const { update, expected } = writeOf(changes);
      const origin = { principal: ctx.principal.id, ...ctx.write };
      try {
        written =
          (await ctx.ports.accountWrite.updateFirmographics(account.id, update, origin, expected)) ?? null;
      } catch (err) {
        if (err instanceof RangeError && err.message.startsWith("conflict:"))
          throw userError(`Not executed: ${err.message.slice(9).trim()} Nothing was written.`, {
            hint: "Call account_enrich with write_back and dry_run: true to see the current plan.",
          });
        throw err;
      }
    }
    const spent = base.credits_spent;
    return {
      ...base,
      found: true,
      changes,
      people,
      written,
      note: `${changes.length} field${changes.length === 1 ? "" : "s"} differ${written ? `; written to ${written.system}` : ""}. ${got.reused ? "Enrichment reused: no credit spent." : `${spent} credit${spent === 1 ? "" : "s"} spent${got.source === "sandbox" ? " (sandbox directory: simulated)" : ""}.`}`,
    };
  },
  render: (o) =>
    [
      `${o.account.name} (${o.account.domain})`,
      ...o.changes.map((c) => `${c.field}: ${c.before ?? "(none)"} → ${c.after}`),
      ...o.people.map((p) => `${p.name} — ${p.title ?? "?"} ${p.email ?? ""}${p.in_crm ? " [in CRM]" : ""}`),
      o.note,
    ].join("\n"),
  example: { account_id: "acc_0001", write_back: true },
});
