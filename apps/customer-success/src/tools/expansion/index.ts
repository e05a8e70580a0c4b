import { expansionSignals } from "./expansion-signals";
import { upsellCreate } from "./upsell-create";

export { expansionToolset } from "./toolset";
export const expansionTools = [expansionSignals, upsellCreate];
