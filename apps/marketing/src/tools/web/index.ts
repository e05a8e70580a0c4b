import { formsList } from "./forms-list";
import { webAnalytics } from "./web-analytics";

export { webToolset } from "./toolset";
export const webTools = [webAnalytics, formsList];
