import { adBudgets } from "./ad-budgets";
import { budgetAllocate } from "./budget-allocate";

export { budgetsToolset } from "./toolset";
export const budgetsTools = [adBudgets, budgetAllocate];
