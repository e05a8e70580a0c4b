import { SALES_INTEGRATIONS } from "@revops/connectors/server-ports";
import { portVariables } from "@revops/kit";
import type { z } from "zod";
import type { SalesPorts } from "../ports";
import type { salesIntegrationEnv } from "./config";

type Variable = keyof z.input<typeof salesIntegrationEnv> & string;

/**
 * The settings behind each sales port (declared with the doctor's selectors in @revops/connectors/server-ports,
 * typed here by the ports and the settings schema): a named connection (`HUBSPOT_ACCESS_TOKEN__EU`) reaches the
 * ports it sets.
 */
export const salesConnections = portVariables<SalesPorts, Variable>(SALES_INTEGRATIONS.ports);
