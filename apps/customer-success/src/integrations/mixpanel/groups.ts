import type { GroupProfile, MixpanelConnector } from "@revops/connectors";
import { DIRECTORY_TTL_MS, TtlMemo } from "@revops/connectors/memo";
import type { SystemCompany } from "@revops/model";
import type { GroupFacts } from "../../ports";

export interface GroupSettings {
  /** The group key's id whose profiles are the customer companies (Project Settings → Group Keys). */
  dataGroupId: string;
  /** The group property holding the company's domain or website. */
  domainProperty: string;
  /** The group property where teams keep the CRM account id, when they do. */
  crmProperty?: string;
  /** The group properties customer_360 shows as the group's facts (plan, seats, last seen…), absent ones left out. */
  factProperties: string[];
}

/** A fact value is shown at most this long: a property is a label, not a document. */
const MAX_FACT_CHARS = 80;

/** A property as text; null when absent or blank. */
function text(v: unknown): string | null {
  const s = typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
  return s || null;
}

/**
 * Mixpanel's group profiles as companies for the suite's identity graph: the group key's value is the record's
 * id, `$name` its name (the key itself when unnamed), and the configured properties its domain and CRM id; the
 * configured fact properties are what customer_360 shows of a linked group.
 */
export class MixpanelGroups {
  // the graph rebuilds once a minute: reading the groups as often would spend the Query API's 60 an hour
  private readonly memo = new TtlMemo<GroupProfile[]>(DIRECTORY_TTL_MS);

  constructor(
    private readonly mp: MixpanelConnector,
    private readonly settings: GroupSettings,
  ) {}

  async companies(): Promise<SystemCompany[]> {
    const { domainProperty, crmProperty } = this.settings;
    return (await this.profiles()).map((g) => ({
      system: "mixpanel",
      externalId: g.key,
      name: text(g.properties.$name) ?? g.key,
      domain: text(g.properties[domainProperty]),
      crmRef: crmProperty ? text(g.properties[crmProperty]) : null,
    }));
  }

  /** The configured fact properties of one group (from the same read as the companies); undefined if no such group. */
  async facts(key: string): Promise<GroupFacts | undefined> {
    const g = (await this.profiles()).find((p) => p.key === key);
    if (!g) return undefined;
    const properties: GroupFacts["properties"] = {};
    for (const name of this.settings.factProperties) {
      const v = g.properties[name];
      if (typeof v === "number" || typeof v === "boolean") properties[name] = v;
      else if (text(v)) properties[name] = (text(v) as string).slice(0, MAX_FACT_CHARS);
    }
    return { key, name: text(g.properties.$name) ?? key, properties };
  }

  private async profiles(): Promise<GroupProfile[]> {
    const kept = this.memo.get("groups");
    if (kept) return kept;
    const { dataGroupId, domainProperty, crmProperty, factProperties } = this.settings;
    const { value } = await this.mp.groupProfiles({
      dataGroupId,
      // only what the graph and customer_360 read: Mixpanel answers narrower queries much faster
      properties: [
        ...new Set(["$name", domainProperty, ...(crmProperty ? [crmProperty] : []), ...factProperties]),
      ],
    });
    this.memo.set("groups", value);
    return value;
  }
}
