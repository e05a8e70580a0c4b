import { expect, it } from "vitest";

/** One row: a case's name, the settings, and whether both the server and the doctor must accept them. */
export type SettingsCase = [name: string, env: Record<string, string>, accepted: boolean];

/** The variable a ConfigError names first ("Invalid configuration:\n  NAME: …" or "  NAME (got …): …"). */
const namedBy = (e: unknown) => /\n\s+([A-Z][A-Z0-9_]*)/.exec(String((e as Error).message))?.[1];

/**
 * Runs every case through a server's start-up check and through `revops doctor`: both give the table's verdict,
 * and the doctor names the variable the server stops on (the rules are declared once; this keeps them so).
 */
export function itJudgesSettingsLikeTheDoctor(
  table: SettingsCase[],
  serverCheck: (env: Record<string, string>) => unknown,
  doctorProblems: (env: Record<string, string>) => { variable?: string }[],
): void {
  it.each(table)("%s", (_, env, accepted) => {
    let refused: string | undefined;
    try {
      serverCheck(env);
    } catch (e) {
      refused = namedBy(e) ?? "?";
    }
    const problems = doctorProblems(env).map((p) => p.variable);
    expect({ server: refused === undefined, doctor: problems.length === 0 }).toEqual({
      server: accepted,
      doctor: accepted,
    });
    if (refused) expect(problems).toContain(refused);
  });
}
