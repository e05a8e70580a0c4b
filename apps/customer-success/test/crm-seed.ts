import type { SqlDb } from "@revops/store";
import {
  addHubSpotObject,
  type HubSpotState,
  type RunningFake,
  type SalesforceState,
  startHubSpotFake,
  startSalesforceFake,
  startZendeskFake,
  type ZendeskState,
} from "@revops/testing";

/** The sandbox company's records the vendor fakes are seeded with. */
export interface SandboxCompany {
  users: { id: string; name: string }[];
  /** Accounts with at least one subscription term (customers and churned). */
  accounts: { id: string; name: string; created_date: string; owner_id: string }[];
  terms: { id: string; account_id: string; arr: number; renewal_date: string; status: string }[];
  tickets: {
    account_id: string;
    created_at: string;
    solved_at: string | null;
    status: string;
    priority: string;
    tags: string | null;
    csat: string | null;
  }[];
  /** CSM activities not on a deal. */
  activities: { account_id: string; occurred_at: string; subject: string; type: string }[];
}

export async function readSandboxCompany(db: SqlDb): Promise<SandboxCompany> {
  const accounts = await db.query<SandboxCompany["accounts"][number]>(
    `SELECT id, name, created_date, owner_id FROM sb_accounts
     WHERE id IN (SELECT account_id FROM sb_subscriptions) ORDER BY id`,
  );
  return {
    users: await db.query("SELECT id, name FROM sb_users ORDER BY id"),
    accounts,
    terms: await db.query(
      "SELECT id, account_id, arr, renewal_date, status FROM sb_subscriptions ORDER BY renewal_date, id",
    ),
    tickets: await db.query(
      `SELECT account_id, created_at, solved_at, status, priority, tags, csat FROM sb_tickets
       WHERE account_id IN (SELECT account_id FROM sb_subscriptions) ORDER BY created_at, id`,
    ),
    activities: await db.query(
      `SELECT account_id, occurred_at, subject, type FROM sb_activities
       WHERE deal_id IS NULL AND account_id IN (SELECT account_id FROM sb_subscriptions) ORDER BY occurred_at, id`,
    ),
  };
}

/** A subscription term as the CRM's renewal: won when renewed, lost when cancelled, open while active. */
const outcome = (status: string) =>
  status === "renewed" ? "won" : status === "cancelled" ? "lost" : ("open" as const);

/**
 * Salesforce: Users, Accounts (CreatedDate), one Type 'Renewal' opportunity per term and the CSM activities as
 * Tasks on the account; sandbox id → Salesforce id.
 */
export async function seedSalesforce(c: SandboxCompany) {
  const fake: RunningFake<SalesforceState> = await startSalesforceFake({
    User: c.users.map((u) => ({ Name: u.name })),
    Account: c.accounts.map((a) => ({ Name: a.name, CreatedDate: `${a.created_date}T00:00:00.000+0000` })),
  });
  const ids = <T>(type: string, rows: T[]) =>
    new Map(rows.map((r, i) => [r, [...(fake.state.objects[type]?.keys() ?? [])][i] as string]));
  const userId = ids(
    "User",
    c.users.map((u) => u.id),
  );
  const accountId = ids(
    "Account",
    c.accounts.map((a) => a.id),
  );
  const opportunities = fake.state.objects.Opportunity as Map<string, Record<string, unknown>>;
  for (const t of c.terms) {
    const id = `006${String(fake.state.nextId++).padStart(15, "0")}`;
    const o = outcome(t.status);
    const owner = c.accounts.find((a) => a.id === t.account_id)?.owner_id ?? "";
    opportunities.set(id, {
      Id: id,
      Name: `Renewal ${t.renewal_date}`,
      Type: "Renewal",
      AccountId: accountId.get(t.account_id),
      OwnerId: userId.get(owner),
      Amount: t.arr,
      CloseDate: t.renewal_date,
      StageName: o === "won" ? "Closed Won" : o === "lost" ? "Closed Lost" : "Negotiation/Review",
      IsClosed: o !== "open",
      IsWon: o === "won",
    });
  }
  const tasks = fake.state.objects.Task as Map<string, Record<string, unknown>>;
  for (const a of c.activities) {
    const id = `00T${String(fake.state.nextId++).padStart(15, "0")}`;
    const day = a.occurred_at.slice(0, 10);
    tasks.set(id, {
      Id: id,
      Subject: a.subject,
      WhatId: accountId.get(a.account_id),
      WhoId: null,
      ActivityDate: day,
      Status: "Completed",
    });
  }
  return { fake, accountId };
}

/**
 * HubSpot: owners, companies (createdate), one existingbusiness deal per term associated to its company, and the
 * CSM activities as engagements on the company.
 */
export async function seedHubSpot(c: SandboxCompany) {
  const fake: RunningFake<HubSpotState> = await startHubSpotFake({
    owners: c.users.map((u, i) => {
      const [firstName = "", ...rest] = u.name.split(" ");
      return {
        id: String(100 + i),
        email: `${u.id}@acme.test`,
        firstName,
        lastName: rest.join(" "),
        userId: 900 + i,
      };
    }),
  });
  const ownerId = new Map(c.users.map((u, i) => [u.id, String(100 + i)]));
  const companyId = new Map(
    c.accounts.map((a) => [
      a.id,
      addHubSpotObject(fake.state, "companies", {
        name: a.name,
        createdate: `${a.created_date}T00:00:00.000Z`,
      }),
    ]),
  );
  const owner = new Map(c.accounts.map((a) => [a.id, a.owner_id]));
  for (const t of c.terms) {
    const o = outcome(t.status);
    addHubSpotObject(
      fake.state,
      "deals",
      {
        dealname: `Renewal ${t.renewal_date}`,
        dealtype: "existingbusiness",
        pipeline: "default",
        dealstage: o === "won" ? "closedwon" : o === "lost" ? "closedlost" : "contractsent",
        amount: String(t.arr),
        closedate: `${t.renewal_date}T00:00:00.000Z`,
        hubspot_owner_id: ownerId.get(owner.get(t.account_id) ?? "") ?? "",
      },
      [["companies", companyId.get(t.account_id) as string]],
    );
  }
  const engagement = { call: "calls", email: "emails", meeting: "meetings" } as const;
  for (const a of c.activities) {
    const type = engagement[a.type as keyof typeof engagement] ?? "notes";
    addHubSpotObject(fake.state, type, { hs_timestamp: a.occurred_at }, [
      ["companies", companyId.get(a.account_id) as string],
    ]);
  }
  return { fake, companyId };
}

const minutesBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 60_000);

/**
 * Zendesk: one organization per account (its external_id the CRM account id, when given) and the sandbox's
 * tickets with their priority, tags, CSAT and resolution time.
 */
export async function seedZendesk(c: SandboxCompany, crmId?: Map<string, string>) {
  const org = new Map(c.accounts.map((a, i) => [a.id, i + 1]));
  const fake: RunningFake<ZendeskState> = await startZendeskFake({
    organizations: c.accounts.map((a) => ({
      name: a.name,
      ...(crmId ? { external_id: crmId.get(a.id) } : {}),
    })),
    tickets: c.tickets.map((t) => ({
      subject: "Seeded",
      organization_id: org.get(t.account_id),
      status: t.status,
      priority: t.priority,
      tags: (t.tags ?? "").split(",").filter(Boolean),
      created_at: t.created_at,
      updated_at: t.solved_at ?? t.created_at,
      satisfaction_rating: { score: t.csat ?? (t.solved_at ? "offered" : "unoffered") },
    })),
    ticketMetrics: c.tickets.map((t, i) => ({
      ticket_id: c.accounts.length + i + 1,
      full_resolution_time_in_minutes: {
        calendar: t.solved_at ? minutesBetween(t.created_at, t.solved_at) : null,
        business: null,
      },
      solved_at: t.solved_at,
    })),
  });
  return { fake };
}
