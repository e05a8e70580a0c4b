import { recordsBulkUpdate } from "./records-bulk-update";
import { recordsDelete } from "./records-delete";

export { recordsWriteToolset } from "./toolset";
export const recordsWriteTools = [recordsBulkUpdate, recordsDelete];
