import { backups } from "./backups";
import { settingsUpdate } from "./settings-update";

export { infrastructureToolset } from "./toolset";
export const infrastructureTools = [backups, settingsUpdate];
