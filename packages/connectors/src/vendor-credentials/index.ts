import type { DoctorVendor } from "../doctor/server-ports";
import { type Checked, collect, type Report, type TestFake, testFake } from "./checks";
import type { CredentialEnv, CredentialVariable } from "./formats";
import {
  apolloCredentials,
  googleCredentials,
  hubspotCredentials,
  intercomCredentials,
  mixpanelCredentials,
  salesforceCredentials,
  sendgridCredentials,
  type VendorCheckContext,
  zendeskCredentials,
} from "./vendors";

export {
  type Checked,
  type CredentialProblem,
  collect,
  required,
  type TestFake,
  testFake,
  testFakeVariable,
  valueOrThrow,
} from "./checks";
export {
  type CredentialEnv,
  type CredentialVariable,
  credentialFormats,
  credentialFormatsOf,
  testBaseUrls,
  vendorFormats,
} from "./formats";
export { VENDOR_VARIABLES } from "./variables";
export {
  SALESFORCE_TOKEN_PATH,
  type SalesforceCredentials,
  type SalesforceRefreshSettings,
  type VendorCheckContext,
} from "./vendors";

/** One vendor's declaration: the variables that configure it (any one set means "configured") and its checks. */
interface VendorDeclaration<T> {
  /** Setting any of these configures the vendor even when no server selects it (the doctor then checks it). */
  configuredBy: readonly CredentialVariable[];
  check: (e: CredentialEnv, c: VendorCheckContext & { analytics?: boolean }, report: Report) => T;
}

const declare = <T>(d: VendorDeclaration<T>) => d;

/** Every vendor's credential rules: what the servers' loaders and `revops doctor` both run. */
export const VENDOR_CREDENTIALS = {
  hubspot: declare({
    configuredBy: ["HUBSPOT_ACCESS_TOKEN", "HUBSPOT_OAUTH_CONNECTION"],
    check: hubspotCredentials,
  }),
  salesforce: declare({
    configuredBy: [
      "SALESFORCE_ACCESS_TOKEN",
      "SALESFORCE_INSTANCE_URL",
      "SALESFORCE_REFRESH_TOKEN",
      "SALESFORCE_OAUTH_CONNECTION",
    ],
    check: salesforceCredentials,
  }),
  google: declare({
    configuredBy: ["GOOGLE_ACCESS_TOKEN", "GOOGLE_OAUTH_CONNECTION"],
    check: googleCredentials,
  }),
  zendesk: declare({
    configuredBy: ["ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_CONNECTION"],
    check: zendeskCredentials,
  }),
  intercom: declare({
    configuredBy: ["INTERCOM_ACCESS_TOKEN", "INTERCOM_OAUTH_CONNECTION"],
    check: intercomCredentials,
  }),
  mixpanel: declare({
    configuredBy: [
      "MIXPANEL_PROJECT_ID",
      "MIXPANEL_SERVICE_ACCOUNT_USERNAME",
      "MIXPANEL_SERVICE_ACCOUNT_SECRET",
    ],
    check: mixpanelCredentials,
  }),
  apollo: declare({ configuredBy: ["APOLLO_API_KEY"], check: apolloCredentials }),
  sendgrid: declare({ configuredBy: ["SENDGRID_API_KEY"], check: sendgridCredentials }),
} as const satisfies Record<DoctorVendor, VendorDeclaration<unknown>>;

type Declared = typeof VENDOR_CREDENTIALS;
/** What a vendor's check gives when nothing is wrong: its credentials and its test fake. */
export type VendorCredentials<V extends DoctorVendor> = ReturnType<Declared[V]["check"]> & TestFake;

/**
 * A vendor's credentials from parsed settings, with its test fake (refused without the explicit flag), or every
 * problem found, each naming the variable and the fix.
 */
export function checkVendor<V extends DoctorVendor>(
  vendor: V,
  e: CredentialEnv,
  c: Omit<VendorCheckContext, "test"> & { analytics?: boolean },
): Checked<VendorCredentials<V>> {
  return collect((report) => {
    const test = testFake(e, vendor, report);
    const check = VENDOR_CREDENTIALS[vendor].check as VendorDeclaration<object>["check"];
    return { ...check(e, { ...c, test }, report), ...test } as VendorCredentials<V>;
  });
}
