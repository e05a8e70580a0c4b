import type { KnownDefect } from "./suite";

/**
 * Defects the fuzzer found outside the kit, each with its owner. Every run still reports them (console), and a
 * new kind of failure fails the test. Remove an entry once its fix lands: the run then guards against regressions.
 */
export const KNOWN_DEFECTS: readonly KnownDefect[] = [];
