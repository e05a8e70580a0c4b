import { segmentBuild } from "./segment-build";

export { segmentsToolset } from "./toolset";
export const segmentsTools = [segmentBuild];
