import { emailDraft } from "./email-draft";
import { emailSend } from "./email-send";

export { outreachToolset } from "./toolset";
export const outreachTools = [emailDraft, emailSend];
