export {
  type CaseKind,
  type FuzzCase,
  fuzzCases,
  type IdHints,
  type JsonSchema,
  nested,
  validObject,
  validValue,
} from "./arbitraries";
export { KNOWN_DEFECTS } from "./known";
export {
  checkAnswer,
  echoes,
  type FuzzFailure,
  type FuzzOptions,
  type FuzzReport,
  formatReport,
  fuzzProtocol,
  fuzzServer,
  listAllTools,
  MAX_ECHO,
  preview,
  summarizeFailures,
  type ToolCounts,
  toolSeed,
  type Verdict,
} from "./run";
export {
  DEFAULT_FUZZ_SEED,
  describeServerFuzz,
  type FuzzTarget,
  type KnownDefect,
  SANDBOX_IDS,
} from "./suite";
export { writeJournal } from "./write-journal";
