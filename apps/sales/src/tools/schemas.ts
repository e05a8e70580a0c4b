import { MoneySchema, untrustedName, untrustedText } from "@revops/kit";
import { daysBetween } from "@revops/sandbox";
import { z } from "zod";

export const StageSchema = z.enum([
  "prospecting",
  "qualification",
  "proposal",
  "negotiation",
  "closed_won",
  "closed_lost",
]);
export const QuarterSchema = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, "use the form YYYY-Qn, e.g. 2026-Q4")
  .describe("Calendar quarter, e.g. 2026-Q4; defaults to the current quarter");
export const OwnerSchema = z.string().min(1).max(100).describe("usr_… id or full name");
export const AccountIdSchema = z.string().min(1).max(64).describe("e.g. acc_0042");

export const DealRowSchema = z.object({
  id: z.string(),
  name: untrustedName(z.string(), "deal name"),
  account_id: z.string(),
  account_name: untrustedName(z.string(), "account name"),
  stage: z.string(),
  amount: MoneySchema,
  close_date: z.string(),
  owner: z.string(),
  forecast_category: z.string(),
  type: z.string(),
  last_activity: z.string().nullable(),
  next_step: untrustedText(z.string(), "next step", 80).nullable(),
  days_in_stage: z.number().nullable().describe("Open deals"),
});

export const DealTypeSchema = z.enum(["new_business", "expansion", "renewal"]);

/** A deal as a list row; `today` gives open deals their days in the current stage. */
export const toDealRow = (d: import("@revops/model").DealRow, today?: string) => ({
  id: d.id,
  name: d.name,
  account_id: d.accountId,
  account_name: d.accountName,
  stage: d.stage,
  amount: d.amount,
  close_date: d.closeDate,
  owner: d.ownerName,
  forecast_category: d.forecastCategory,
  type: d.type,
  last_activity: d.lastActivityAt ? d.lastActivityAt.slice(0, 10) : null,
  next_step: d.nextStep || null,
  days_in_stage:
    today && d.stageEnteredAt && d.stage !== "closed_won" && d.stage !== "closed_lost"
      ? Math.max(0, daysBetween(d.stageEnteredAt, today))
      : null,
});

export const FirmographicsSchema = z
  .object({
    industry: z.string().nullable(),
    employees: z.number().int().nullable().describe("Estimated headcount"),
    annual_revenue: z.number().nullable().describe("USD per year"),
    founded_year: z.number().int().nullable(),
    linkedin_url: z.string().nullable().describe("The company's LinkedIn page (https only)"),
    source: z.literal("apollo"),
  })
  .describe("Company data from the enrichment vendor for the account's domain");
