/** What meeting notes say to do next: a "Next step:" line and action lines ("- [ ] …", "TODO: …", "Action: …"). */
export interface NoteActions {
  nextStep: string | null;
  tasks: { subject: string; due: string | null }[];
}

const NEXT_STEP = /^\s*next steps?\s*[:-]\s*(.+)$/im;
const TASK = /^\s*(?:[-*]\s*)?(?:\[ \]|todo\s*:|action(?: item)?\s*:)\s*(.+)$/gim;
const DUE = /\s*\b(?:by|due)\s+(\d{4}-\d{2}-\d{2})\s*$/i;
const MAX = 200;

/** A task line with its "by YYYY-MM-DD" due date split off. */
export function taskOf(line: string): { subject: string; due: string | null } {
  const due = DUE.exec(line);
  const subject = (due ? line.slice(0, due.index) : line).trim().slice(0, MAX);
  return { subject, due: due?.[1] ?? null };
}

/** The next step and tasks written in the notes (pure text rules, no understanding). */
export function actionsIn(notes: string): NoteActions {
  const next = NEXT_STEP.exec(notes)?.[1]?.trim().slice(0, 255) ?? null;
  const tasks = [...notes.matchAll(TASK)].map((m) => taskOf(m[1] ?? "")).filter((t) => t.subject);
  return { nextStep: next || null, tasks };
}

/** The activity subject: the first non-empty line of the notes, shortened. */
export function subjectOf(notes: string): string {
  const first =
    notes
      .split(/\r?\n/)
      .find((l) => l.trim())
      ?.trim() ?? "";
  return `Meeting: ${first.length > 80 ? `${first.slice(0, 79)}…` : first}`;
}
