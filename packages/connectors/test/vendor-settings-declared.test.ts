import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DOCTOR_VARIABLES,
  portSettings,
  SELECTORS,
  SERVER_INTEGRATIONS,
  VENDOR_SETTINGS,
  vendorVariables,
} from "../src/doctor";
import { checkVendor, credentialFormats, VENDOR_CREDENTIALS } from "../src/vendor-credentials";

/** Every variable .env.example documents (set or commented out). */
const documented = new Set(
  [
    ...readFileSync(join(import.meta.dirname, "../../../.env.example"), "utf8").matchAll(
      /^#? ?([A-Z][A-Z0-9_]+)=/gm,
    ),
  ].map((m) => m[1] as string),
);

/** Tuning a vendor's data, not connecting to it: the wizard leaves these to .env. */
const TUNING = new Set([
  "MIXPANEL_ACCOUNT_PROPERTY",
  "MIXPANEL_USAGE_EVENTS",
  "MIXPANEL_DATA_GROUP_ID",
  "MIXPANEL_GROUP_DOMAIN_PROPERTY",
  "MIXPANEL_GROUP_CRM_PROPERTY",
  "MIXPANEL_GROUP_FACT_PROPERTIES",
  "SENDGRID_SENDER_ID",
  "SENDGRID_UNSUBSCRIBE_GROUP_ID",
]);

describe("vendor settings declared once", () => {
  const declared = new Set(
    (Object.keys(VENDOR_SETTINGS) as (keyof typeof VENDOR_SETTINGS)[]).flatMap(vendorVariables),
  );

  it("every declared variable and selector is documented in .env.example", () => {
    for (const v of [...declared, ...SELECTORS.map((s) => s.variable)]) expect(documented, v).toContain(v);
  });

  it("every documented credential of a declared vendor is declared (what setup asks and the doctor reads)", () => {
    const prefixes = /^(HUBSPOT|SALESFORCE|ZENDESK|INTERCOM|MIXPANEL|APOLLO|SENDGRID)_/;
    const missing = [...documented].filter((v) => prefixes.test(v) && !declared.has(v) && !TUNING.has(v));
    expect(missing).toEqual([]);
  });

  it("the doctor reads every declared vendor variable but the shared vault key", () => {
    for (const v of declared) if (v !== "REVOPS_MASTER_KEY") expect(DOCTOR_VARIABLES, v).toContain(v);
    expect(DOCTOR_VARIABLES).not.toContain("REVOPS_MASTER_KEY");
  });

  it("each sign-in method asks a secret through a masked prompt", () => {
    for (const methods of Object.values(VENDOR_SETTINGS))
      for (const m of methods)
        expect(
          m.variables.some((v) => v.secret),
          m.id,
        ).toBe(true);
  });

  it("each selector is a setting of its server's ports, and every port setting names named connections in the doctor", () => {
    for (const s of SELECTORS) expect(portSettings(s.server), s.variable).toContain(s.variable);
    for (const v of portSettings()) expect(DOCTOR_VARIABLES, v).toContain(v);
    // a server's stage map or cache age set for a named connection is that connection's, in the doctor too
    expect(SERVER_INTEGRATIONS.sales.ports.crm).toContain("SALES_STAGE_MAP");
    expect(DOCTOR_VARIABLES).toContain("SALES_STAGE_MAP");
  });

  it("every port setting of a vendor prefix is one of that vendor's declared settings, or tuning", () => {
    const vendorish = /^(HUBSPOT|SALESFORCE|ZENDESK|INTERCOM|MIXPANEL|APOLLO|GOOGLE)_/;
    const stray = portSettings().filter((v) => vendorish.test(v) && !declared.has(v) && !TUNING.has(v));
    expect(stray).toEqual([]);
  });
});

describe("`revops setup`'s questions and the credential rules are one declaration", () => {
  /** Asked by setup but not a credential: the vault's key and per-server tuning. */
  const NOT_CREDENTIALS = new Set(["REVOPS_MASTER_KEY", "APOLLO_CREDIT_CONFIRM_ABOVE", "INTERCOM_ADMIN_ID"]);
  const vendors = Object.keys(VENDOR_CREDENTIALS) as (keyof typeof VENDOR_CREDENTIALS)[];

  it("every variable setup asks is one the rules read (so the doctor and the servers check it)", () => {
    for (const vendor of vendors)
      for (const name of vendorVariables(vendor).filter((n) => !NOT_CREDENTIALS.has(n)))
        expect(Object.keys(credentialFormats.shape), `${vendor}: ${name}`).toContain(name);
  });

  it("every variable that configures a vendor is asked by one of its sign-in methods", () => {
    for (const vendor of vendors) {
      const asked = vendorVariables(vendor);
      // an instance URL or a refresh token is asked by its own method; the consent's connection by the consent
      for (const name of VENDOR_CREDENTIALS[vendor].configuredBy)
        expect(asked, `${vendor}: ${name}`).toContain(name);
    }
  });

  it("each vendor's rules name only their own or shared variables in their problems", () => {
    for (const vendor of vendors) {
      const { problems } = checkVendor(vendor, {}, { selector: "X=y", raw: {} });
      for (const p of problems)
        expect(vendorVariables(vendor), `${vendor}: ${p.variable}`).toContain(p.variable);
    }
  });
});
