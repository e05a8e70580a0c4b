import { mqlHandoff } from "./mql-handoff";

export { handoffToolset } from "./toolset";
export const handoffTools = [mqlHandoff];
