import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { CallMetrics } from "./metrics";

/** Prometheus metrics for /metrics: calls, errors and latency per tool, plus process metrics. */
export function createPromMetrics(): CallMetrics & { registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const calls = new Counter({
    name: "mcp_tool_calls_total",
    help: "Tool calls by tool and outcome",
    labelNames: ["tool", "outcome"],
    registers: [registry],
  });
  const errors = new Counter({
    name: "mcp_tool_errors_total",
    help: "Failed tool calls by tool and error kind",
    labelNames: ["tool", "kind"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "mcp_tool_duration_seconds",
    help: "Tool call latency",
    labelNames: ["tool"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    record(tool, outcome, kind, seconds) {
      calls.inc({ tool, outcome });
      if (kind) errors.inc({ tool, kind });
      latency.observe({ tool }, seconds);
    },
  };
}
