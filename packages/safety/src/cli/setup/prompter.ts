import * as clack from "@clack/prompts";

export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** An answer is checked before it is accepted: a message says what is wrong, undefined accepts it. */
export type Check = (value: string) => string | undefined;

/** The questions setup asks: clack on a terminal, scripted answers in tests. */
export interface Prompter {
  intro(title: string): void;
  outro(message: string): void;
  select<T extends string>(message: string, choices: readonly Choice<T>[], initial?: T): Promise<T>;
  multiselect<T extends string>(
    message: string,
    choices: readonly Choice<T>[],
    initial?: readonly T[],
  ): Promise<T[]>;
  text(message: string, opts?: { initial?: string; placeholder?: string; check?: Check }): Promise<string>;
  /** Masked input: the value is never echoed. */
  secret(message: string, opts?: { check?: Check }): Promise<string>;
  info(message: string): void;
  success(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  note(message: string, title: string): void;
  /** Shows `message` while `work` runs. */
  spin<T>(message: string, work: () => Promise<T>): Promise<T>;
}

/** The user pressed Ctrl-C or Escape: nothing is written. */
export class SetupCancelled extends Error {
  override name = "SetupCancelled";
  constructor() {
    super("Cancelled: nothing was written.");
  }
}

function answered<T>(value: T | symbol): T {
  if (clack.isCancel(value)) throw new SetupCancelled();
  return value as T;
}

/** The terminal's prompts (clack); answers go to stdin, the screen to stdout. */
export function clackPrompter(): Prompter {
  return {
    intro: (title) => clack.intro(title),
    outro: (message) => clack.outro(message),
    select: async <T extends string>(message: string, choices: readonly Choice<T>[], initial?: T) =>
      answered<T>(
        await clack.select<T>({
          message,
          options: choices.map((c) => ({ value: c.value, label: c.label, ...(c.hint && { hint: c.hint }) })),
          ...(initial !== undefined && { initialValue: initial }),
        } as unknown as clack.SelectOptions<T>),
      ),
    multiselect: async <T extends string>(
      message: string,
      choices: readonly Choice<T>[],
      initial?: readonly T[],
    ) =>
      answered<T[]>(
        await clack.multiselect<T>({
          message,
          options: choices.map((c) => ({ value: c.value, label: c.label, ...(c.hint && { hint: c.hint }) })),
          required: true,
          ...(initial && { initialValues: initial }),
        } as unknown as clack.MultiSelectOptions<T>),
      ),
    text: async (message, opts = {}) =>
      answered<string>(
        await clack.text({
          message,
          ...(opts.initial !== undefined && { initialValue: opts.initial }),
          ...(opts.placeholder !== undefined && { placeholder: opts.placeholder }),
          ...(opts.check && { validate: (v) => opts.check?.(v ?? "") }),
        }),
      ),
    secret: async (message, opts = {}) =>
      answered<string>(
        await clack.password({
          message,
          ...(opts.check && { validate: (v) => opts.check?.(v ?? "") }),
        }),
      ),
    info: (m) => clack.log.info(m),
    success: (m) => clack.log.success(m),
    warn: (m) => clack.log.warn(m),
    error: (m) => clack.log.error(m),
    note: (m, title) => clack.note(m, title),
    spin: async (message, work) => {
      const s = clack.spinner();
      s.start(message);
      try {
        return await work();
      } finally {
        s.clear();
      }
    },
  };
}
