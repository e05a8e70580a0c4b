export type { Budget, BudgetCheck, BudgetScope } from "./budgets";
export {
  type CallScope,
  callScopesEnabled,
  currentCallScope,
  enableCallScopes,
  noteForCall,
  runInCallScope,
} from "./call-scope";
export type {
  CallOptions,
  CallResult,
  RemainingQuota,
  ResilientCaller,
  ResilientCallerOptions,
} from "./caller";
export { createResilientCaller } from "./caller";
export type { Classifier } from "./classify";
export { defaultClassify, networkCodeOf, statusOf } from "./classify";
export type { VendorErrorInit, VendorErrorKind } from "./errors";
export { isVendorError, OUTAGE_KINDS, VendorError } from "./errors";
export type { CircuitStateName, PolicyEvent } from "./events";
export { parseRetryAfter, readHeader, retryAfterFromHeaders } from "./headers";
export { HttpError, throwIfNotOk } from "./http-error";
export type { CostLedger, CostLedgerOptions, LedgerEntry, Outcome } from "./ledger";
export { openCostLedger } from "./ledger";
export { LEDGER_MIGRATIONS, LEDGER_TABLE } from "./ledger-schema";
export type {
  AcquireOptions,
  LimiterStats,
  QuotaWindow,
  VendorLimiter,
  VendorLimiterOptions,
} from "./limiter";
export { createVendorLimiter } from "./limiter";
export type {
  AttemptGate,
  ExecuteOptions,
  Operation,
  OperationContext,
  PolicyStats,
  RunResult,
  VendorPolicy,
} from "./policy";
export { createVendorPolicy } from "./policy";
export type { BreakerOptions, VendorPolicyOptions } from "./policy-options";
export type { PriceTable } from "./prices";
export { VENDOR_PRICES } from "./prices";
export type { QuotaCheck, QuotaSnapshot, QuotaTracker, QuotaTrackerOptions } from "./quota";
export { createQuotaTracker, parseSforceLimitInfo } from "./quota";
export { sleep } from "./sleep";
export type { Fresh, MaybeStale, Stale, StaleFallbackOptions } from "./stale";
export { withStaleFallback } from "./stale";
export type {
  CostPerLead,
  CostPerLeadQuery,
  LedgerFilter,
  UsageDimension,
  UsageQuery,
  UsageRow,
} from "./usage";
export type { KnownVendor, RateRule, VendorDefaults } from "./vendors";
export { bucketFor, GENERIC_DEFAULTS, unitsFor, VENDOR_DEFAULTS, vendorDefaults } from "./vendors";
export { isAmbiguousWriteFailure, type WriteOnceOptions, writeOnce } from "./write-once";
