import { messageSend } from "./message-send";
import { surveySend } from "./survey-send";

export { messagingToolset } from "./toolset";
export const messagingTools = [messageSend, surveySend];
