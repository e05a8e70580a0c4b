import { engagementTools, engagementToolset } from "./engagement";
import { expansionTools, expansionToolset } from "./expansion";
import { feedbackTools, feedbackToolset } from "./feedback";
import { healthTools, healthToolset } from "./health";
import { knowledgeTools, knowledgeToolset } from "./knowledge";
import { messagingTools, messagingToolset } from "./messaging";
import { onboardingTools, onboardingToolset } from "./onboarding";
import { playsTools, playsToolset } from "./plays";
import { renewalsTools, renewalsToolset } from "./renewals";
import { retentionTools, retentionToolset } from "./retention";
import { segmentsTools, segmentsToolset } from "./segments";
import { supportTools, supportToolset } from "./support";
import { supportAnalyticsTools, supportAnalyticsToolset } from "./support-analytics";
import { supportSearchTools, supportSearchToolset } from "./support-search";
import { supportWriteTools, supportWriteToolset } from "./support-write";

export const toolsets = [
  healthToolset,
  renewalsToolset,
  supportToolset,
  supportSearchToolset,
  supportWriteToolset,
  feedbackToolset,
  retentionToolset,
  expansionToolset,
  supportAnalyticsToolset,
  onboardingToolset,
  playsToolset,
  knowledgeToolset,
  engagementToolset,
  segmentsToolset,
  messagingToolset,
];
export const tools = [
  ...healthTools,
  ...renewalsTools,
  ...supportTools,
  ...supportSearchTools,
  ...supportWriteTools,
  ...feedbackTools,
  ...retentionTools,
  ...expansionTools,
  ...supportAnalyticsTools,
  ...onboardingTools,
  ...playsTools,
  ...knowledgeTools,
  ...engagementTools,
  ...segmentsTools,
  ...messagingTools,
];
