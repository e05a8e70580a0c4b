import type { MixpanelConnector } from "@revops/connectors";
import { DIRECTORY_TTL_MS, TtlMemo } from "@revops/connectors/memo";
import type { SystemCompany } from "@revops/model";

export interface GroupSettings {
  /** The group key's id whose profiles are the customer companies (Project Settings → Group Keys). */
  dataGroupId: string;
  /** The group property holding the company's domain or website. */
  domainProperty: string;
  /** The group property where teams keep the CRM account id, when they do. */
  crmProperty?: string;
}

/** A property as text; null when absent or blank. */
function text(v: unknown): string | null {
  const s = typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
  return s || null;
}

/**
 * Mixpanel's group profiles as companies for the suite's identity graph: the group key's value is the record's
 * id, `$name` its name (the key itself when unnamed), and the configured properties its domain and CRM id.
 */
export class MixpanelGroups {
  // the graph rebuilds once a minute: reading the groups as often would spend the Query API's 60 an hour
  private readonly memo = new TtlMemo<SystemCompany[]>(DIRECTORY_TTL_MS);

  constructor(
    private readonly mp: MixpanelConnector,
    private readonly settings: GroupSettings,
  ) {}

  async companies(): Promise<SystemCompany[]> {
    const kept = this.memo.get("groups");
    if (kept) return kept;
    const companies = await this.read();
    this.memo.set("groups", companies);
    return companies;
  }

  private async read(): Promise<SystemCompany[]> {
    const { dataGroupId, domainProperty, crmProperty } = this.settings;
    const { value } = await this.mp.groupProfiles({
      dataGroupId,
      // only what the graph reads: Mixpanel answers narrower queries much faster
      properties: ["$name", domainProperty, ...(crmProperty ? [crmProperty] : [])],
    });
    return value.map((g) => ({
      system: "mixpanel",
      externalId: g.key,
      name: text(g.properties.$name) ?? g.key,
      domain: text(g.properties[domainProperty]),
      crmRef: crmProperty ? text(g.properties[crmProperty]) : null,
    }));
  }
}
