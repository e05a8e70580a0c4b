import { z } from "zod";
import { namedEnvironments } from "./connections";
import type { ServerModule, ToolDefinition } from "./define";
import type { Middleware } from "./pipeline";
import type { Registry } from "./registry";

type Env = Record<string, string | undefined>;

/** Per port, the settings it reads: a named connection (`HUBSPOT_ACCESS_TOKEN__EU`) belongs to every port it sets. */
export type PortVariables = Readonly<Record<string, readonly string[]>>;

/** An app's port declaration, typed by its ports (the keys) and its settings schema (the variables). */
export const portVariables = <P, V extends string = string>(
  byPort: {
    [K in keyof P & string]?: readonly V[];
  },
): PortVariables => byPort as PortVariables;

/** The named connections of the ports a tool declares, sorted; none means the tool has no `connection` argument. */
export function toolConnectionNames(
  ports: readonly string[] | undefined,
  declared: PortVariables | undefined,
  env: Env,
): string[] {
  const variables = [...new Set((ports ?? []).flatMap((p) => declared?.[p] ?? []))];
  return variables.length ? namedEnvironments(env, variables).names : [];
}

/**
 * The tool as served when a port it declares has more than one connection: a `connection` argument naming one
 * of them, which the handler never sees (the kit hands it that connection's ports instead).
 */
export function withConnectionArgument(def: ToolDefinition, names: readonly string[]): ToolDefinition {
  const [first, ...rest] = names;
  if (first === undefined) return def;
  if (def.lazy)
    throw new Error(`Tool ${def.name} has named connections: load its module first (eagerWhereConnected)`);
  if (!(def.input instanceof z.ZodObject))
    throw new Error(`Tool ${def.name} declares ports but its input is not a z.object.`);
  const connection = z
    .enum([first, ...rest])
    .optional()
    .describe("Named connection; omit for the default");
  return {
    ...def,
    input: def.input.extend({ connection }),
    handler: ({ input, ctx }) => {
      const { connection: _resolved, ...own } = input as Record<string, unknown>;
      return def.handler({ input: own, ctx });
    },
  };
}

/** Every tool of the registry as served in this environment (`connection` only where it chooses something). */
export function withToolConnections(registry: Registry, env: Env): Registry {
  const tools = registry.tools.map((t) => ({
    ...t,
    def: withConnectionArgument(t.def, toolConnectionNames(t.def.ports, t.module.connections, env)),
  }));
  return { ...registry, tools };
}

interface Connectable {
  using(connection?: string): Promise<unknown>;
}

/**
 * The ports as one tool sees them: the vendor ports it declared and the module's own records (ports without
 * settings). Reading a vendor port it did not declare is a programmer error, thrown where it happens.
 */
export function declaredPorts<P extends object>(
  ports: P,
  tool: string,
  declared: readonly string[],
  connections: PortVariables,
): P {
  return new Proxy(ports, {
    get(target, key) {
      if (typeof key === "string" && Object.hasOwn(connections, key) && !declared.includes(key))
        throw new Error(
          `${tool} reads port "${key}" but does not declare it: add "${key}" to the tool's ports (ADR 0044).`,
        );
      // the real object as `this`, so ports that are class instances keep their private fields
      return Reflect.get(target, key, target);
    },
  });
}

/**
 * After validation: a call naming a connection runs (guard preview included) on that connection's ports, and
 * every call of a module with connections sees only the vendor ports its tool declares.
 */
export const resolveConnection: Middleware = (call, next) => {
  const name = (call.input as { connection?: unknown } | undefined)?.connection;
  // only a named connection waits for its ports; every other call goes on with next()'s own promise
  if (typeof name === "string")
    return (call.ctx.ports as Connectable).using(name).then((ports) => {
      call.ctx.ports = ports;
      return withDeclaredPorts(call, next);
    });
  return withDeclaredPorts(call, next);
};

function withDeclaredPorts(call: Parameters<Middleware>[0], next: Parameters<Middleware>[1]) {
  const { def, module } = call.entry;
  if (module.connections && typeof call.ctx.ports === "object" && call.ctx.ports !== null)
    call.ctx.ports = portsView(call.ctx.ports, def, module.connections);
  return next();
}

/** Each tool's view of a ports object, made once: the ports of a connection live as long as the process. */
const views = new WeakMap<object, WeakMap<object, object>>();
function portsView(ports: object, def: ToolDefinition, connections: PortVariables): object {
  let byTool = views.get(ports);
  if (!byTool) {
    byTool = new WeakMap();
    views.set(ports, byTool);
  }
  let view = byTool.get(def);
  if (!view) {
    view = declaredPorts(ports, def.name, def.ports ?? [], connections);
    byTool.set(def, view);
  }
  return view;
}

/**
 * What is wrong with the tools' port declarations, one line each: in a module with connections every tool says
 * which of its ports it reads or writes (`ports: []` for none), and only ports the module declares.
 */
export function portDeclarationProblems(modules: readonly ServerModule[]): string[] {
  return modules.flatMap((m) =>
    m.tools.flatMap((t) => {
      const declared = m.connections;
      if (!declared) return t.ports?.length ? [`${t.name}: ${m.name} declares no connections`] : [];
      if (!t.ports) return [`${t.name}: declare the ports it reads or writes (ports: [] for none)`];
      return t.ports
        .filter((p) => !Object.hasOwn(declared, p))
        .map((p) => `${t.name}: port "${p}" is not in ${m.name}'s connections`);
    }),
  );
}
