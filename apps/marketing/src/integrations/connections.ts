import { MARKETING_INTEGRATIONS } from "@revops/connectors/server-ports";
import { portVariables } from "@revops/kit";
import type { z } from "zod";
import type { MarketingPorts } from "../ports";
import type { marketingIntegrationEnv } from "./config";

type Variable = keyof z.input<typeof marketingIntegrationEnv> & string;

/**
 * The settings behind each marketing port (declared with the doctor's selectors in @revops/connectors/server-ports,
 * typed here by the ports and the settings schema): a named connection (`HUBSPOT_ACCESS_TOKEN__EU`) reaches the
 * ports it sets. Budgets, the content calendar and settings are the suite's own records, the same on every one.
 */
export const marketingConnections = portVariables<MarketingPorts, Variable>(MARKETING_INTEGRATIONS.ports);
