export type { CsPorts, SupportPort } from "./ports";
export { CS_INSTRUCTIONS, createCustomerSuccessServer } from "./server";
