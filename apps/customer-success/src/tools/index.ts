import { feedbackTools, feedbackToolset } from "./feedback";
import { healthTools, healthToolset } from "./health";
import { supportTools, supportToolset } from "./support";
import { supportWriteTools, supportWriteToolset } from "./support-write";

export const toolsets = [healthToolset, supportToolset, supportWriteToolset, feedbackToolset];
export const tools = [...healthTools, ...supportTools, ...supportWriteTools, ...feedbackTools];
