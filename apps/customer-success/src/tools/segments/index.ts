import { customersBulkUpdate } from "./customers-bulk-update";
import { healthModel } from "./health-model";
import { healthModelUpdate } from "./health-model-update";
import { segments } from "./segments";

export { segmentsToolset } from "./toolset";
export const segmentsTools = [segments, customersBulkUpdate, healthModel, healthModelUpdate];
