import { CS_INTEGRATIONS } from "@revops/connectors/server-ports";
import { portVariables } from "@revops/kit";
import type { z } from "zod";
import type { CsPorts } from "../ports";
import type { csIntegrationEnv } from "./config";

type Variable = keyof z.input<typeof csIntegrationEnv> & string;

/**
 * The settings behind each customer-success port (declared with the doctor's selectors in
 * @revops/connectors/server-ports, typed here by the ports and the settings schema): a named connection
 * (`ZENDESK_API_TOKEN__EU`) reaches the ports it sets. The account book, health model, tasks and onboarding plans
 * are the sandbox's on every connection.
 */
export const csConnections = portVariables<CsPorts, Variable>(CS_INTEGRATIONS.ports);
