import { withConfirmationCard } from "@revops/guards";
import { main, type RunningServer, type RunOptions, runServer, type ServerModule } from "@revops/kit";
import { auditModule } from "./audit-module";
import { safetyConfigSchema } from "./config";
import { safetyHooks } from "./hooks";
import { usageModule } from "./usage-module";

/** The modules every server serves besides its own: the audit log and the vendor cost ledger. */
export const safetyModules = [auditModule, usageModule];

/** What a server's bin serves: its modules and the safety modules, guarded tools showing the confirmation card. */
export const servedModules = (modules: readonly ServerModule[]): ServerModule[] =>
  withConfirmationCard([...modules, ...safetyModules]);

/** The kit's run options with audit, guards and auth filled in: what every server runs. */
export function withSafety(opts: RunOptions): RunOptions {
  const server = opts.info?.name ?? opts.modules[0]?.name ?? "revops";
  const modules = servedModules(opts.modules);
  return {
    ...opts,
    // guarded tools show the confirmation card in MCP Apps hosts; its app-only approve tool comes along
    modules,
    hooks: safetyHooks(server),
    // loaded only over HTTP: stdio servers start without the JWT and key-store code; modules' pages come along
    httpAuth: async (rt, where) => (await import("./http-auth")).httpAuthFor(rt, where, modules),
  };
}

/** Entry point of every bin. */
export const serve = (opts: RunOptions): Promise<void> => main(withSafety(opts), safetyConfigSchema);

/** The same, returning the running server (tests, embedding). */
export const runSafeServer = (opts: RunOptions): Promise<RunningServer> =>
  runServer(withSafety(opts), safetyConfigSchema);
