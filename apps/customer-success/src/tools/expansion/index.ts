import { expansionSignals } from "./expansion-signals";

export { expansionToolset } from "./toolset";
export const expansionTools = [expansionSignals];
