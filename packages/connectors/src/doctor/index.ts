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
  checkIntegrations,
  type IntegrationHealth,
  type IntegrationStatus,
  type IntegrationsReport,
} from "./health";
export {
  classifyProbeFailure,
  explainProbeFailure,
  type ProbeFailure,
  type ProbeOptions,
  type ProbeQuota,
  type ProbeResult,
  probeConnection,
} from "./probe";
