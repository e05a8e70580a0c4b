import { listMembersUpdate } from "./list-members-update";

export { listsToolset } from "./toolset";
export const listsTools = [listMembersUpdate];
