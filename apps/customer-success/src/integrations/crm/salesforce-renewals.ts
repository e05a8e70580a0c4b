import type { SalesforceConnector, SObject } from "@revops/connectors";
import { type CrmRenewal, type CrmRenewalSource, truncated } from "./renewals";

/** Renewal opportunities of a large org fit; more is a data problem the caller should see, not silently drop. */
const MAX_ROWS = 50_000;
const RENEWALS =
  "SELECT Id, AccountId, OwnerId, Amount, CloseDate, IsClosed, IsWon FROM Opportunity WHERE Type = 'Renewal'";
const ACCOUNTS = "SELECT Id, Name, CreatedDate FROM Account";
const USERS = "SELECT Id, Name FROM User";

/** Salesforce ids start with their object's key prefix: 001 is Account. */
const ACCOUNT_PREFIX = "001";
const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** Opportunities of Type 'Renewal' (won = renewed, lost = cancelled, open = ahead) with their account and owner. */
export class SalesforceRenewals implements CrmRenewalSource {
  readonly system = "salesforce";
  constructor(private readonly sf: SalesforceConnector) {}

  private async read(soql: string): Promise<SObject[]> {
    const { value } = await this.sf.sdk.runtime.read(`cs:soql:${soql}`, () =>
      this.sf.query(soql, { maxRecords: MAX_ROWS }),
    );
    // a model trained on part of the history would be biased without saying so
    if (!value.complete) throw truncated(`${value.totalSize} rows for ${soql.split(" WHERE")[0]}`);
    return value.records;
  }

  /** Tasks whose WhatId is an account (not an opportunity): the CSM's calls, emails and meetings with the customer. */
  async accountActivities(from: string): Promise<Map<string, string[]>> {
    const rows = await this.read(`SELECT WhatId, ActivityDate FROM Task WHERE ActivityDate >= ${from}`);
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const what = text(r.WhatId);
      if (!what.startsWith(ACCOUNT_PREFIX) || !r.ActivityDate) continue;
      out.set(what, [...(out.get(what) ?? []), text(r.ActivityDate).slice(0, 10)]);
    }
    return out;
  }

  async renewals(): Promise<CrmRenewal[]> {
    const [opps, accounts, users] = await Promise.all([
      this.read(RENEWALS),
      this.read(ACCOUNTS),
      this.read(USERS),
    ]);
    const account = new Map(accounts.map((a) => [a.Id, a]));
    const owner = new Map(users.map((u) => [u.Id, text(u.Name)]));
    return opps
      .filter((o) => o.AccountId && o.CloseDate)
      .map((o) => {
        const a = account.get(text(o.AccountId));
        return {
          termId: o.Id,
          accountId: text(o.AccountId),
          accountName: text(a?.Name),
          ownerName: owner.get(text(o.OwnerId)) ?? "",
          arr: Number(o.Amount ?? 0),
          renewalDate: text(o.CloseDate).slice(0, 10),
          status: o.IsClosed ? (o.IsWon ? "renewed" : "cancelled") : "active",
          accountCreated: text(a?.CreatedDate).slice(0, 10),
        };
      });
  }
}
