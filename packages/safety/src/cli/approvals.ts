import { userInfo } from "node:os";
import type { AuditLog } from "@revops/audit";
import { type ApprovalStatus, type ApprovalsAdmin, approvalsAdmin } from "@revops/guards";
import type { SqlDb } from "@revops/store";
import type { Command } from "commander";
import type { SafetyConfig } from "../config";
import { recordGuardDecision } from "../decisions";

export interface ApprovalCliDeps {
  openDb: () => Promise<SqlDb>;
  /** The audit log on that database: every human decision is recorded. */
  openAudit: (db: SqlDb) => Promise<AuditLog>;
  config: () => SafetyConfig;
  print: (line: string) => void;
}

const STATUSES: readonly ApprovalStatus[] = [
  "pending",
  "approved",
  "rejected",
  "executing",
  "executed",
  "failed",
  "used",
  "expired",
];

/** `revops approvals list|show|approve|reject`: where a human consents to what the assistant planned. */
export function registerApprovalCommands(program: Command, deps: ApprovalCliDeps): Command {
  const withAdmin = async (fn: (admin: ApprovalsAdmin) => Promise<void>) => {
    const db = await deps.openDb();
    const audit = await deps.openAudit(db);
    try {
      const record = recordGuardDecision(audit, "revops-cli");
      await fn(approvalsAdmin({ sql: async () => db, config: deps.config(), record }));
    } finally {
      await audit.close();
      await db.close();
    }
  };
  const approver = (opts: { as?: string }) => opts.as ?? `${userInfo().username} (cli)`;
  const approvals = program.command("approvals").description("Review and decide actions waiting for a human");

  approvals
    .command("list")
    .description("List approvals, newest first (pending by default)")
    .option("--status <status>", `one of ${STATUSES.join(", ")}`, "pending")
    .option("--limit <n>", "how many", "50")
    .option("--json", "print JSON")
    .action((opts: { status: string; limit: string; json?: boolean }) =>
      withAdmin(async (admin) => {
        if (!STATUSES.includes(opts.status as ApprovalStatus))
          throw new Error(`--status must be one of ${STATUSES.join(", ")}.`);
        const list = await admin.listApprovals({
          status: opts.status as ApprovalStatus,
          limit: Number(opts.limit),
        });
        if (opts.json) return deps.print(JSON.stringify(list, null, 2));
        if (list.length === 0) return deps.print(`No ${opts.status} approvals.`);
        for (const a of list)
          deps.print(
            `${a.id}  ${a.status.padEnd(8)} ${a.tool.padEnd(24)} ${a.principal}  until ${a.expiresAt}`,
          );
      }),
    );

  approvals
    .command("show <id>")
    .description("Show the exact plan an approval would let run")
    .action((id: string) =>
      withAdmin(async (admin) => {
        const a = await admin.showApproval(id);
        deps.print(`${a.id}: ${a.tool} for ${a.principal} — ${a.status}, expires ${a.expiresAt}`);
        if (a.reasons.length) deps.print(`Why a human must approve: ${a.reasons.join("; ")}`);
        deps.print(a.text);
      }),
    );

  for (const [verb, past] of [
    ["approve", "Approved"],
    ["reject", "Rejected"],
  ] as const) {
    approvals
      .command(`${verb} <id>`)
      .description(
        `${past.slice(0, -1)} the plan; the assistant can then ${verb === "approve" ? "run it once" : "not run it"}`,
      )
      .option("--as <name>", "who decides (recorded in the audit log); default the OS user")
      .option("--reason <text>", "why (kept with the approval and told to the assistant)")
      .action((id: string, opts: { as?: string; reason?: string }) =>
        withAdmin(async (admin) => {
          const a =
            verb === "approve"
              ? await admin.approve(id, approver(opts))
              : await admin.reject(id, approver(opts), opts.reason);
          deps.print(`${past} ${a.id} (${a.tool} for ${a.principal}) as ${a.decidedBy}.`);
        }),
      );
  }
  return approvals;
}
