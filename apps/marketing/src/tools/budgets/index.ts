import { adBudgets } from "./ad-budgets";
import { budgetAllocate } from "./budget-allocate";
import { pacingReport } from "./pacing-report";

export { budgetsToolset } from "./toolset";
export const budgetsTools = [adBudgets, budgetAllocate, pacingReport];
