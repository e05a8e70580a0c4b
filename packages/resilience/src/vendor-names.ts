const DISPLAY_NAMES: Record<string, string> = {
  hubspot: "HubSpot",
  salesforce: "Salesforce",
  zendesk: "Zendesk",
  sendgrid: "SendGrid",
  intercom: "Intercom",
  mixpanel: "Mixpanel",
  apollo: "Apollo",
  gmail: "Gmail",
  google: "Google",
};

/** "hubspot" → "HubSpot", for messages a user reads. */
export function displayName(vendor: string): string {
  return DISPLAY_NAMES[vendor] ?? vendor;
}
