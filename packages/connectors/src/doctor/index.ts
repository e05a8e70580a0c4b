export {
  type ConfigProblem,
  type ConfiguredConnections,
  configuredConnections,
  DOCTOR_VARIABLES,
  type DoctorConnection,
  type DoctorVendor,
  maskSecret,
  namedConnectionsOf,
  type ServerName,
  type ServerUse,
  scrubSecrets,
  selectorsFor,
  VENDOR_LABELS,
} from "./connections";
export {
  explainProbeFailure,
  type ProbeOptions,
  type ProbeQuota,
  type ProbeResult,
  probeConnection,
} from "./probe";
