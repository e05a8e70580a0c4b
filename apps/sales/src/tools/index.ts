import { accountGet } from "./account-get";
import { dealUpdate } from "./deal-update";
import { dealsList } from "./deals-list";
import { forecastGet } from "./forecast-get";
import { pipelineSummary } from "./pipeline-summary";

export const tools = [dealsList, pipelineSummary, accountGet, forecastGet, dealUpdate];
