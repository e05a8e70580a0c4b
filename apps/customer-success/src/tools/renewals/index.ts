import { renewalsUpcoming } from "./renewals-upcoming";

export { renewalsToolset } from "./toolset";
export const renewalsTools = [renewalsUpcoming];
