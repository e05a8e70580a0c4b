export type PeopleSystem = "zendesk" | "intercom";

/** A person as a help desk or messenger keeps them: its own id, how they typed their name and email. */
export interface SystemPerson {
  system: PeopleSystem;
  externalId: string;
  name: string;
  /** Null where the person never gave one. */
  email: string | null;
  /** The CRM contact id the system stores (Zendesk's and Intercom's `external_id`), where someone stored it. */
  crmRef: string | null;
  /** The system's own company (organization) the person belongs to, if any. */
  companyExternalId: string | null;
}

export type LinkedSystem = "zendesk" | "intercom" | "mixpanel" | "hubspot";

/** A company as another system keeps it: its own id and spelling, and the CRM id only where someone stored it. */
export interface SystemCompany {
  system: LinkedSystem;
  externalId: string;
  name: string;
  /** Null where the system has no domain field filled in. */
  domain: string | null;
  /** The CRM account id the system stores (Zendesk `external_id`, a HubSpot property, a Mixpanel group key). */
  crmRef: string | null;
}
