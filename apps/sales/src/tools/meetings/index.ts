import { meetingLog } from "./meeting-log";
import { meetingPrep } from "./meeting-prep";
import { meetingSchedule } from "./meeting-schedule";
import { meetingsList } from "./meetings-list";

export { meetingsToolset } from "./toolset";
export const meetingsTools = [meetingsList, meetingPrep, meetingSchedule, meetingLog];
