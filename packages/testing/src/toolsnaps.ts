import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Compares each tool's public definition with its snapshot in __toolsnaps__/<tool>.json.
 * A changed description or schema fails until accepted with UPDATE_TOOLSNAPS=1.
 */
export function checkToolSnapshots(dir: string, tools: { name: string }[]): string[] {
  const problems: string[] = [];
  mkdirSync(dir, { recursive: true });
  for (const tool of tools) {
    const file = join(dir, `${tool.name}.json`);
    const current = `${JSON.stringify(tool, null, 2)}\n`;
    if (process.env.UPDATE_TOOLSNAPS === "1") {
      writeFileSync(file, current);
      continue;
    }
    if (!existsSync(file)) problems.push(`${tool.name}: no snapshot (run with UPDATE_TOOLSNAPS=1 to accept)`);
    else if (readFileSync(file, "utf8") !== current)
      problems.push(`${tool.name}: definition changed (UPDATE_TOOLSNAPS=1 to accept)`);
  }
  return problems;
}
