import { createZendeskConnector, type ResilienceSetup } from "@revops/connectors";
import type { Runtime } from "@revops/kit";
import type { SupportPort } from "../ports";
import type { CsSupportConfig } from "./config";
import { ZendeskSupport } from "./zendesk/support";

type VendorConfig = Exclude<CsSupportConfig, { support: "sandbox" }>;

/**
 * The support port of a configured vendor, its reads backed by the stale cache in the runtime's key-value
 * store. Composite: tickets come from the vendor, everything Zendesk cannot serve from `rest` (the sandbox).
 */
export async function vendorSupport(
  rt: Runtime,
  config: VendorConfig,
  rest: SupportPort,
): Promise<SupportPort> {
  const setup: ResilienceSetup = { staleCache: { cache: await rt.kv(), maxAgeMs: config.staleMaxAgeMs } };
  const zd = await createZendeskConnector(
    {
      id: config.connectionId,
      vendor: "zendesk",
      ...(config.subdomain ? { subdomain: config.subdomain } : {}),
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      allowInsecureTestBaseUrl: config.allowInsecureTestBaseUrl,
      credentials: { email: config.email, apiToken: config.apiToken },
    },
    setup,
  );
  return new ZendeskSupport(zd, rest);
}
