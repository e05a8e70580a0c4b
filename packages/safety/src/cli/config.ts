import { diffProfiles } from "@revops/kit";
import type { Command } from "commander";

export interface ConfigCliDeps {
  env: Record<string, string | undefined>;
  print: (line: string) => void;
}

/** `revops config diff <a> <b>`: what two environment profiles (.env.<a>, .env.<b> over .env) set differently. */
export function registerConfigCommands(program: Command, deps: ConfigCliDeps): Command {
  const config = program
    .command("config")
    .description("Environment profiles (REVOPS_ENV) and their settings");
  config
    .command("diff <a> <b>")
    .description(
      "Settings that differ between two profiles, e.g. `revops config diff dev prod`; secrets masked",
    )
    .action((a: string, b: string) => {
      const diff = diffProfiles(a, b, deps.env);
      if (diff.length === 0) return deps.print(`Profiles ${a} and ${b} set the same values.`);
      const width = Math.max(...diff.map((d) => d.name.length));
      deps.print(`${diff.length} setting${diff.length === 1 ? "" : "s"} differ (${a} → ${b}):`);
      for (const d of diff)
        deps.print(`  ${d.name.padEnd(width)}  ${d.a ?? "(unset)"} → ${d.b ?? "(unset)"}`);
    });
  return config;
}
