import type { HubSpotForm, HubSpotMarketingConnector } from "@revops/connectors";
import { FreshnessTracker } from "@revops/connectors/freshness";
import { shiftDay } from "../../domain/web-traffic";
import type { FormStats, FormsPort } from "../../ports";

/** Pages read at most per list (50 items each): 1,000 forms, and 1,000 submissions per form in the range. */
const MAX_PAGES = 20;
const VENDOR = "HubSpot";

/** HubSpot's marketing forms and their submissions; HubSpot's API reports no form views. */
export class HubSpotForms implements FormsPort {
  readonly source = "hubspot";
  constructor(private readonly hs: HubSpotMarketingConnector) {}

  async forms(q: { from: string; to: string }): Promise<{ forms: FormStats[]; notes: string[] }> {
    const t = new FreshnessTracker(VENDOR);
    const forms: HubSpotForm[] = [];
    let after: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = t.take(await this.hs.forms.formsPage(after));
      forms.push(...page.results);
      after = page.nextCursor;
      if (!after) break;
    }
    if (after) t.partial(`Only the first ${forms.length} forms were read.`);
    const from = Date.parse(`${q.from}T00:00:00Z`);
    const end = Date.parse(`${shiftDay(q.to, 1)}T00:00:00Z`);
    const out: FormStats[] = [];
    for (const f of forms)
      out.push({ id: f.id, name: f.name, views: null, submissions: await this.count(f, from, end, t) });
    return {
      forms: out,
      notes: [
        "HubSpot's API does not report form views: conversion rates are unknown.",
        ...(t.freshness ? [t.freshness.note] : []),
      ],
    };
  }

  /** Submissions in [from, end): pages run newest first, so reading stops at the first older than the range. */
  private async count(form: HubSpotForm, from: number, end: number, t: FreshnessTracker): Promise<number> {
    let n = 0;
    let after: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = t.take(await this.hs.forms.submissionsPage(form.id, after));
      n += page.results.filter((s) => s.submittedAt >= from && s.submittedAt < end).length;
      after = page.nextCursor;
      if (!after || page.results.some((s) => s.submittedAt < from)) return n;
    }
    if (after) t.partial(`Form "${form.name}": only its newest ${MAX_PAGES * 50} submissions were read.`);
    return n;
  }
}
