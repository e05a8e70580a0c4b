import type { HubSpotConnector } from "@revops/connectors";
import type { ConversionWrite, LeadChanges, LeadConversion, LeadDetail, LeadWrite } from "@revops/model";
import { isVendorError, writeOnce } from "@revops/resilience";
import type { WriteOrigin } from "../../ports";

// HubSpot's leads are contacts in the funnel: the lead's id is its contact's, converting it links that contact.
const LEAD_PROPS = [
  "firstname",
  "lastname",
  "email",
  "company",
  "jobtitle",
  "lifecyclestage",
  "hs_lead_status",
  "hubspotscore",
  "hubspot_owner_id",
  "associatedcompanyid",
];
/** Lifecycle stages past "sales qualified lead": the contact became an opportunity or a customer. */
const CONVERTED = new Set(["opportunity", "customer", "evangelist"]);
/** hs_lead_status's standard options. */
const STATUSES = [
  "new",
  "open",
  "in_progress",
  "open_deal",
  "unqualified",
  "attempted_to_contact",
  "connected",
  "bad_timing",
];
const IDEMPOTENCY_PROPERTY = "revops_idempotency_key";
const HS_ID = /^\d{1,20}$/;
const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));

/** What HubSpot needs to create the deal of a conversion (the app's deal create, stages and owners checked). */
export type HubSpotDealCreate = (
  conversion: LeadConversion,
  accountId: string,
  origin: WriteOrigin,
) => Promise<{ id: string; recovered?: boolean }>;

/** Reads and writes leads (funnel contacts) and converts them, through @hubspot/api-client. */
export class HubSpotLeads {
  constructor(
    private readonly hs: HubSpotConnector,
    private readonly ownerName: (id: string) => Promise<string | null>,
  ) {}

  private async contact(id: string): Promise<Record<string, string | null> | undefined> {
    if (!HS_ID.test(id)) return undefined;
    const { runtime, apis } = this.hs.sdk;
    try {
      const { value } = await runtime.attempt("contacts.get", () =>
        apis.contacts.basicApi.getById(id, LEAD_PROPS),
      );
      return { ...value.properties };
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
  }

  private async associated(from: string, id: string, to: string): Promise<string[]> {
    const { runtime, apis } = this.hs.sdk;
    const { value } = await runtime.attempt("associations.list", () =>
      apis.associations.basicApi.getPage(from, id, to),
    );
    return value.results.map((r) => String(r.toObjectId));
  }

  /** The lead (a contact) read fresh; converted = lifecycle stage opportunity or later. */
  async get(id: string): Promise<LeadDetail | undefined> {
    const p = await this.contact(id);
    if (!p) return undefined;
    const converted = CONVERTED.has(s(p.lifecyclestage).toLowerCase());
    const score = p.hubspotscore == null || p.hubspotscore === "" ? null : Number(p.hubspotscore);
    const ownerId = s(p.hubspot_owner_id) || null;
    return {
      id,
      name: `${s(p.firstname)} ${s(p.lastname)}`.trim() || s(p.email),
      email: s(p.email),
      company: s(p.company),
      title: s(p.jobtitle),
      status: s(p.hs_lead_status).toLowerCase() || s(p.lifecyclestage).toLowerCase(),
      ownerId,
      ownerName: ownerId ? await this.ownerName(ownerId) : null,
      score: score !== null && Number.isFinite(score) ? score : null,
      rating: null,
      converted,
      conversion: converted
        ? {
            accountId: s(p.associatedcompanyid) || null,
            contactId: id,
            dealId: (await this.associated("contacts", id, "deals"))[0] ?? null,
          }
        : null,
    };
  }

  /** Sets hs_lead_status and the owner once (read back after an ambiguous failure); score and rating are refused. */
  async update(id: string, c: LeadChanges, expected: LeadChanges = {}): Promise<LeadWrite | undefined> {
    if (c.score !== undefined)
      throw new RangeError("score: HubSpot computes hubspotscore from its scoring rules; it cannot be set.");
    if (c.rating !== undefined) throw new RangeError("rating: HubSpot contacts have no lead rating.");
    if (c.status !== undefined && !STATUSES.includes(c.status))
      throw new RangeError(`status: one of ${STATUSES.join(", ")} (HubSpot's lead status).`);
    const cur = await this.get(id);
    if (!cur) return undefined;
    if (cur.converted) throw new RangeError(`lead_id: lead ${id} is converted; change its contact or deal.`);
    const keys = ["status", "ownerId"] as const;
    const holds = (l: LeadDetail) => keys.every((k) => c[k] === undefined || c[k] === l[k]);
    if (holds(cur)) return { system: "hubspot", id, lead: cur, recovered: true };
    const stale = keys.filter((k) => expected[k] !== undefined && expected[k] !== cur[k]);
    if (stale.length)
      throw new RangeError(
        `conflict: lead ${id} changed meanwhile (${stale.map((k) => `${k} is now ${JSON.stringify(cur[k])}`).join("; ")}).`,
      );
    const properties = {
      ...(c.status !== undefined && { hs_lead_status: c.status.toUpperCase() }),
      ...(c.ownerId !== undefined && { hubspot_owner_id: c.ownerId }),
    };
    const { runtime, apis } = this.hs.sdk;
    const { recovered } = await writeOnce({
      write: async () => {
        try {
          await runtime.attempt("contacts.update", () => apis.contacts.basicApi.update(id, { properties }), {
            idempotent: false,
          });
        } catch (err) {
          if (isVendorError(err) && err.kind === "invalid") throw new RangeError(`owner: ${err.message}`);
          throw err;
        }
        return true;
      },
      lookup: async () => {
        const now = await this.get(id);
        return now && holds(now) ? true : undefined;
      },
    });
    const lead = (await this.get(id)) ?? cur;
    return { system: "hubspot", id, lead, recovered };
  }

  /** The deal this plan's key made, if any (by the unique key property, else one search). */
  private async dealByKey(key: string): Promise<{ id: string; name: string } | undefined> {
    const { runtime, apis } = this.hs.sdk;
    const props = ["dealname", IDEMPOTENCY_PROPERTY];
    try {
      const { value } = await runtime.attempt("deals.get", () =>
        apis.deals.basicApi.getById(key, props, undefined, undefined, false, IDEMPOTENCY_PROPERTY),
      );
      return { id: value.id, name: s(value.properties.dealname) };
    } catch (err) {
      if (!(isVendorError(err) && (err.kind === "invalid" || err.kind === "not_found"))) throw err;
    }
    const { value } = await runtime.attempt("deals.search", () =>
      apis.deals.searchApi.doSearch({
        filterGroups: [
          { filters: [{ propertyName: IDEMPOTENCY_PROPERTY, operator: "EQ", value: key }] },
        ] as never,
        properties: props,
        limit: 1,
      }),
    );
    const hit = value.results[0];
    return hit && { id: hit.id, name: s(hit.properties.dealname) };
  }

  private async companyName(id: string): Promise<string | undefined> {
    const { runtime, apis } = this.hs.sdk;
    try {
      const { value } = await runtime.attempt("companies.get", () =>
        apis.companies.basicApi.getById(id, ["name"]),
      );
      return s(value.properties.name);
    } catch (err) {
      if (isVendorError(err) && err.kind === "not_found") return undefined;
      throw err;
    }
  }

  /** The company with this domain (what a create of this plan left behind), by search. */
  private async companyByDomain(domain: string): Promise<string | undefined> {
    const { runtime, apis } = this.hs.sdk;
    const { value } = await runtime.attempt("companies.search", () =>
      apis.companies.searchApi.doSearch({
        filterGroups: [{ filters: [{ propertyName: "domain", operator: "EQ", value: domain }] }] as never,
        properties: ["name", "domain"],
        limit: 1,
      }),
    );
    return value.results[0]?.id;
  }

  /** Creates the company once: looked up by domain first (a resumed plan) and after an ambiguous failure. */
  private async createCompany(conv: LeadConversion): Promise<string> {
    const { runtime, apis } = this.hs.sdk;
    const { value } = await writeOnce({
      lookupFirst: true,
      write: async () => {
        const { value: made } = await runtime.attempt(
          "companies.create",
          () =>
            apis.companies.basicApi.create({
              properties: {
                name: conv.accountName,
                domain: conv.domain,
                hubspot_owner_id: conv.deal.ownerId,
              },
              associations: [],
            }),
          { idempotent: false },
        );
        return made.id;
      },
      lookup: () => this.companyByDomain(conv.domain),
    });
    return value;
  }

  /** The default association both ways (an idempotent PUT). */
  private async link(from: string, id: string, to: string, toId: string): Promise<void> {
    const { runtime, apis } = this.hs.sdk;
    await runtime.attempt("associations.create", () =>
      apis.associations.basicApi.createDefault(from, id, to, toId),
    );
  }

  /**
   * Converts a lead (contact): the company reused or created, the contact linked to it, the deal created once per
   * key with its company and contact, then the contact's lifecycle set to opportunity (what marks it converted).
   * Every step finds what an earlier attempt of the same plan left, so a retry completes instead of duplicating.
   */
  async convert(
    leadId: string,
    conv: LeadConversion,
    origin: WriteOrigin,
    createDeal: HubSpotDealCreate,
  ): Promise<ConversionWrite> {
    const key = origin.idempotencyKey;
    if (!key) throw new Error("A HubSpot conversion needs the confirmed plan's idempotency key.");
    const lead = await this.get(leadId);
    if (!lead) throw new RangeError(`lead_id: no lead ${leadId}.`);
    if (lead.converted) {
      const deal = await this.dealByKey(key);
      if (!deal)
        throw new RangeError(
          `lead_id: lead ${leadId} is already converted (lifecycle stage opportunity or later).`,
        );
      const accountId = lead.conversion?.accountId ?? "";
      return {
        system: "hubspot",
        leadId,
        account: { id: accountId, name: (await this.companyName(accountId)) ?? "", created: !conv.accountId },
        contact: { id: leadId, name: lead.name, created: false },
        deal,
        recovered: true,
      };
    }
    let accountId = conv.accountId;
    if (accountId && !(HS_ID.test(accountId) && (await this.companyName(accountId)) !== undefined))
      throw new RangeError(`account_id: HubSpot has no company ${accountId}.`);
    if (!accountId) accountId = await this.createCompany(conv);
    if (conv.contactId && conv.contactId !== leadId)
      throw new RangeError(`contact_id: HubSpot's lead is contact ${leadId}, not ${conv.contactId}.`);
    await this.link("contacts", leadId, "companies", accountId);
    const deal = await createDeal(conv, accountId, origin);
    await this.link("deals", deal.id, "contacts", leadId);
    const { runtime, apis } = this.hs.sdk;
    await runtime.attempt(
      "contacts.update",
      () =>
        apis.contacts.basicApi.update(leadId, {
          properties: { lifecyclestage: "opportunity", hs_lead_status: "OPEN_DEAL" },
        }),
      { idempotent: true },
    );
    return {
      system: "hubspot",
      leadId,
      account: {
        id: accountId,
        name: (await this.companyName(accountId)) ?? conv.accountName,
        created: !conv.accountId,
      },
      contact: { id: leadId, name: lead.name, created: false },
      deal: { id: deal.id, name: conv.deal.name },
      recovered: false,
    };
  }
}
