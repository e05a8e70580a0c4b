import { contentBrief } from "./content-brief";
import { contentCalendar } from "./content-calendar";
import { contentItemAdd } from "./content-item-add";
import { contentItemMove } from "./content-item-move";
import { socialSchedule } from "./social-schedule";

export { contentPlanToolset } from "./toolset";
export const contentPlanTools = [
  contentCalendar,
  contentItemAdd,
  contentItemMove,
  socialSchedule,
  contentBrief,
];
