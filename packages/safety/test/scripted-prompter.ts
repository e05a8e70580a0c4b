import type { Prompter } from "../src/cli/setup/prompter";

/** One expected question (a part of its text) and the answer to give. */
export type Step = [question: string, answer: string | string[]];

/** A prompter that answers the given questions in order and fails on any other; what it showed, in `lines`. */
export function scriptedPrompter(steps: Step[]): Prompter & { lines: string[]; left: () => number } {
  const queue = [...steps];
  const lines: string[] = [];
  const next = (message: string): string | string[] => {
    const step = queue.shift();
    if (!step || !message.includes(step[0]))
      throw new Error(`Unexpected question "${message}" (expected "${step?.[0] ?? "none"}")`);
    lines.push(`? ${message}`);
    return step[1];
  };
  const checked = (message: string, check?: (v: string) => string | undefined) => {
    const answer = String(next(message));
    const problem = check?.(answer);
    if (problem) throw new Error(`The answer to "${message}" was refused: ${problem}`);
    return answer;
  };
  return {
    lines,
    left: () => queue.length,
    intro: (t) => void lines.push(`┌ ${t}`),
    outro: (t) => void lines.push(`└ ${t}`),
    select: async <T extends string>(message: string) => next(message) as T,
    multiselect: async <T extends string>(message: string) => next(message) as T[],
    text: async (message, opts) => checked(message, opts?.check),
    secret: async (message, opts) => checked(message, opts?.check),
    info: (m) => void lines.push(`[info] ${m}`),
    success: (m) => void lines.push(`[success] ${m}`),
    warn: (m) => void lines.push(`[warn] ${m}`),
    error: (m) => void lines.push(`[error] ${m}`),
    note: (m, title) => void lines.push(`# ${title}: ${m}`),
    spin: (_m, work) => work(),
  };
}
