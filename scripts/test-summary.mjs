// Prints "N passed, N failed" from every vitest JSON report (test-results.json) and the conformance results.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
const reports = [];
for (const group of ["apps", "packages"]) {
  for (const dir of readdirSync(group)) reports.push(join(group, dir, "test-results.json"));
}
reports.push(join("scripts", "conformance-results.json"));
for (const file of reports) {
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
}
console.log(`${passed} passed, ${failed} failed`);
