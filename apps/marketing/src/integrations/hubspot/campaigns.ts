import {
  CAMPAIGN_ASSET_TYPES,
  CAMPAIGN_PROPERTIES,
  type HubSpotCampaign,
  type HubSpotMarketingConnector,
} from "@revops/connectors";
import type { CampaignFields, CampaignRecord, CampaignSaveResult, WriteOrigin } from "@revops/model";
import { writeOnce } from "@revops/resilience";
import { CampaignWriteError } from "../campaign-write-error";
import { campaignChannel, campaignStatus, money } from "./mapping";

const PROPS = [...CAMPAIGN_PROPERTIES, "hs_owner"];
/** Budget items the suite adds carry this marker and the plan's key, so a retry finds the one it added. */
const ITEM_MARKER = "revops";

export const HUBSPOT_CAMPAIGN_NOTE =
  "HubSpot reports sessions and attributed contacts per campaign, not touches by type; touches are left empty.";

/** The suite's campaign fields → HubSpot campaign properties (channel has none: HubSpot campaigns carry no channel). */
function toProperties(f: CampaignFields): Record<string, string> {
  const p: Record<string, string> = {};
  if (f.name !== undefined) p.hs_name = f.name;
  if (f.status !== undefined) p.hs_campaign_status = f.status;
  if (f.startDate !== undefined) p.hs_start_date = f.startDate;
  if (f.endDate !== undefined) p.hs_end_date = f.endDate;
  if (f.ownerId !== undefined) p.hs_owner = f.ownerId;
  return p;
}

/** What campaign_save may not write on HubSpot, with the fix; checked by the preview before anyone confirms. */
export const HUBSPOT_CAMPAIGN_LIMITS = {
  channel:
    "HubSpot campaigns have no channel property: the suite reads the channel from the name (e.g. a name with 'webinar'). Leave channel out and name the campaign for it.",
  budgetDecrease:
    "HubSpot keeps a campaign's budget as items: the suite adds an item to raise it but does not remove any. Lower it in HubSpot's budget tab.",
};

/** Campaign reads and writes of the HubSpot adapter (Marketing Campaigns v3). */
export class HubSpotCampaigns {
  constructor(
    private readonly hs: HubSpotMarketingConnector,
    private readonly today: () => Promise<string>,
  ) {}

  async getCampaign(id: string): Promise<CampaignRecord | undefined> {
    const c = await this.hs.campaignFresh(id, PROPS);
    if (!c) return undefined;
    const assets = (
      await Promise.all(
        CAMPAIGN_ASSET_TYPES.map(async (type) =>
          (await this.hs.campaignAssets(id, type)).map((a) => ({ type: type.toLowerCase(), ...a })),
        ),
      )
    ).flat();
    return { ...(await this.record(c)), assets };
  }

  async campaignOwner(id: string): Promise<{ id: string; name: string } | undefined> {
    const o = (await this.hs.owners()).find((x) => x.id === id);
    return o ? { id: o.id, name: `${o.firstName} ${o.lastName}`.trim() || o.email } : undefined;
  }

  /**
   * Create: looked up by name after an ambiguous failure (HubSpot keeps names unique and takes no key).
   * Update: read back and compared. A budget increase is one budget item marked with the plan's key.
   */
  async saveCampaign(
    change: { id?: string; fields: CampaignFields },
    origin: WriteOrigin,
  ): Promise<CampaignSaveResult> {
    const f = change.fields;
    if (f.channel !== undefined)
      throw new CampaignWriteError(
        HUBSPOT_CAMPAIGN_LIMITS.channel,
        "channel",
        "Leave channel out on HubSpot.",
      );
    const props = toProperties(f);
    let recovered = false;
    let id = change.id;
    if (!id) {
      const name = f.name ?? "";
      const found = async () => (await this.byName(name))?.id;
      const r = await writeOnce({
        write: async () => (await this.hs.createCampaign(props)).id,
        lookup: found,
        lookupFirst: origin.resumed === true,
      });
      id = r.value;
      recovered = r.recovered;
    } else if (Object.keys(props).length > 0) {
      const target = id;
      const r = await writeOnce({
        write: async () => {
          await this.hs.updateCampaign(target, props);
          return true;
        },
        lookup: async () => {
          const now = await this.hs.campaignFresh(target, Object.keys(props));
          return now && Object.entries(props).every(([k, v]) => (now.properties[k] ?? "") === v)
            ? true
            : undefined;
        },
        lookupFirst: origin.resumed === true,
      });
      recovered = r.recovered;
    }
    if (f.budget !== undefined) recovered = (await this.raiseBudget(id, f.budget, origin)) || recovered;
    const campaign = await this.getCampaign(id);
    if (!campaign) throw new Error(`HubSpot campaign ${id} was not found after the write.`);
    return { campaign, created: !change.id, recovered };
  }

  /** Adds the difference as one marked budget item, unless an item with this key is there already. */
  private async raiseBudget(id: string, budget: number, origin: WriteOrigin): Promise<boolean> {
    const marker = `${ITEM_MARKER}:${origin.idempotencyKey ?? "unkeyed"}`;
    const find = async () => {
      const items = await this.hs.campaignBudgetItems(id);
      return items.budgetItems.some((i) => i.description === marker) ? true : undefined;
    };
    const now = await this.hs.campaignBudgetItems(id);
    if (now.budgetItems.some((i) => i.description === marker)) return true;
    const increase = Math.round((budget - now.budgetTotal) * 100) / 100;
    if (increase < 0)
      throw new CampaignWriteError(
        HUBSPOT_CAMPAIGN_LIMITS.budgetDecrease,
        "budget",
        "Raise it, or leave budget out.",
      );
    if (increase === 0) return false;
    const { recovered } = await writeOnce({
      write: async () => {
        await this.hs.addBudgetItem(id, {
          amount: increase,
          name: "Planned spend (RevOps suite)",
          order: now.budgetItems.length,
          description: marker,
        });
        return true;
      },
      lookup: find,
    });
    return recovered;
  }

  private async byName(name: string): Promise<HubSpotCampaign | undefined> {
    const page = await this.hs.listCampaigns({ name, limit: 100, properties: ["hs_name"] });
    if (page.stale) throw new Error("HubSpot could not be read fresh to look up the campaign by name.");
    return page.value.results.find((c) => (c.properties.hs_name ?? "").toLowerCase() === name.toLowerCase());
  }

  private async record(c: HubSpotCampaign): Promise<Omit<CampaignRecord, "assets">> {
    const p = c.properties;
    const today = await this.today();
    const name = String(p.hs_name ?? "");
    const startDate = String(p.hs_start_date ?? "") || c.createdAt.slice(0, 10);
    const endDate = String(p.hs_end_date ?? "");
    const ownerId = p.hs_owner ? String(p.hs_owner) : null;
    return {
      id: c.id,
      name,
      channel: campaignChannel(name),
      status: campaignStatus(p.hs_campaign_status, startDate, endDate, today),
      startDate,
      endDate,
      budget: money(p.hs_budget_items_sum_amount),
      spend: money(p.hs_spend_items_sum_amount),
      ownerId,
      ownerName: ownerId ? ((await this.campaignOwner(ownerId))?.name ?? null) : null,
      currency: String(p.hs_currency_code ?? "USD"),
      touches: [],
      notes: [HUBSPOT_CAMPAIGN_NOTE],
    };
  }
}
