import { savePlay } from "./save-play";
import { touchpointsLog } from "./touchpoints-log";

export { playsToolset } from "./toolset";
export const playsTools = [savePlay, touchpointsLog];
