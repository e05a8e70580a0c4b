/** Where the kit reports each call; HTTP mode plugs in Prometheus (prom-metrics.ts), stdio keeps it free. */
export interface CallMetrics {
  record(tool: string, outcome: "ok" | "error", errorKind: string | undefined, seconds: number): void;
}

export const noMetrics: CallMetrics = { record() {} };
