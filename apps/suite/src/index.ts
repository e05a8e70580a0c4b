export { createSuiteModules, SUITE_INFO } from "./server";
