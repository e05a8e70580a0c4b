import { z } from "zod";
import { vendorFormats } from "../vendor-credentials/formats";

/** Salesforce and HubSpot credentials as every server that reads a CRM takes them; each adds its own selector. */
export const crmCredentialEnv = z.object(vendorFormats("salesforce", "hubspot"));
