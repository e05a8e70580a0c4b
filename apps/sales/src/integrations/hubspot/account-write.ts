import type { HubSpotConnector } from "@revops/connectors";
import { isVendorError } from "@revops/resilience";
import type { AccountFirmographics } from "../../ports-prospecting";
import { type FirmographicsIo, VendorAccountWrite } from "../account-write";

const HS_ID = /^\d{1,20}$/;
const PROPERTY = { industry: "industry", employees: "numberofemployees", country: "country" } as const;

/**
 * HubSpot's company `industry` is an enumeration (its default options, LinkedIn's industry list in upper snake
 * case): a directory industry (the sandbox's labels, Apollo's lower-case LinkedIn names) is written only when it
 * names one of these; any other is left out of the write and the plan says so.
 */
const HUBSPOT_INDUSTRY: Record<string, string> = {
  software: "COMPUTER_SOFTWARE",
  "computer software": "COMPUTER_SOFTWARE",
  "information technology & services": "INFORMATION_TECHNOLOGY_AND_SERVICES",
  internet: "INTERNET",
  "financial services": "FINANCIAL_SERVICES",
  banking: "BANKING",
  insurance: "INSURANCE",
  healthcare: "HOSPITAL_HEALTH_CARE",
  "hospital & health care": "HOSPITAL_HEALTH_CARE",
  "retail & e-commerce": "RETAIL",
  retail: "RETAIL",
  education: "EDUCATION_MANAGEMENT",
  "education management": "EDUCATION_MANAGEMENT",
  "higher education": "HIGHER_EDUCATION",
  "logistics & transportation": "LOGISTICS_AND_SUPPLY_CHAIN",
  "logistics & supply chain": "LOGISTICS_AND_SUPPLY_CHAIN",
  telecommunications: "TELECOMMUNICATIONS",
  "marketing & advertising": "MARKETING_AND_ADVERTISING",
  "management consulting": "MANAGEMENT_CONSULTING",
  entertainment: "ENTERTAINMENT",
};

/** HubSpot's industry option for a directory industry; null when none fits (a HubSpot value is kept as it is). */
export function hubspotIndustry(industry: string): string | null {
  const v = industry.trim();
  if (/^[A-Z_]+$/.test(v) && Object.values(HUBSPOT_INDUSTRY).includes(v)) return v;
  return HUBSPOT_INDUSTRY[v.toLowerCase()] ?? null;
}

/** Enriched fields onto a HubSpot company through @hubspot/api-client (a fresh read, one PATCH). */
export function hubspotAccountWrite(hs: HubSpotConnector): VendorAccountWrite {
  const { runtime, apis } = hs.sdk;
  const io: FirmographicsIo = {
    system: "hubspot",
    industryValue: hubspotIndustry,
    async read(id) {
      if (!HS_ID.test(id)) return undefined;
      let p: Record<string, string | null>;
      try {
        const { value } = await runtime.attempt("companies.get", () =>
          apis.companies.basicApi.getById(id, Object.values(PROPERTY)),
        );
        p = value.properties;
      } catch (err) {
        if (isVendorError(err) && err.kind === "not_found") return undefined;
        throw err;
      }
      const employees = p.numberofemployees ? Number(p.numberofemployees) : undefined;
      return {
        ...(p.industry && { industry: p.industry }),
        ...(employees !== undefined && Number.isFinite(employees) && { employees }),
        ...(p.country && { country: p.country }),
      };
    },
    async write(id, c: AccountFirmographics) {
      const properties = Object.fromEntries(
        (Object.keys(PROPERTY) as (keyof typeof PROPERTY)[])
          .filter((k) => c[k] !== undefined)
          .map((k) => [PROPERTY[k], String(c[k])]),
      );
      await runtime.attempt("companies.update", () => apis.companies.basicApi.update(id, { properties }), {
        idempotent: false,
      });
    },
  };
  return new VendorAccountWrite(io);
}
