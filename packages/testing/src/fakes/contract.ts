import { readFileSync } from "node:fs";
import { type Document, OpenAPIBackend, type Operation } from "openapi-backend";
import { parse as parseYaml } from "yaml";

export interface ContractRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ContractViolation {
  kind: "request" | "response";
  method: string;
  path: string;
  operationId?: string;
  status?: number;
  errors: string[];
}

/** A response the spec's schema rejects but its own description documents (a known contract gap). */
export interface KnownGap {
  operationId: string;
  status: number;
  accepts: (body: unknown) => boolean;
  reason: string;
}

export interface ContractChecker {
  /** The matching operation id, or undefined when the spec has no such route. */
  operationOf(req: ContractRequest): string | undefined;
  checkRequest(req: ContractRequest): ContractViolation | undefined;
  checkResponse(req: ContractRequest, status: number, body: unknown): ContractViolation | undefined;
}

export interface ContractCheckerOptions {
  knownGaps?: readonly KnownGap[];
}

const LOOSE_FORMATS: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:\S*$/i,
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

function load(path: string): Document {
  const text = readFileSync(path, "utf8");
  return (path.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as Document;
}

/** Merges several spec files (one vendor's APIs) into one routable document. */
function merge(docs: Document[]): Document {
  const [first] = docs;
  if (!first) throw new Error("contractChecker needs at least one spec file");
  const paths: Record<string, unknown> = {};
  const components: Record<string, Record<string, unknown>> = {};
  for (const d of docs) {
    Object.assign(paths, d.paths);
    // same-named components across one vendor's files are the same definitions (OnBehalfOf, errors)
    for (const [section, entries] of Object.entries(d.components ?? {})) {
      components[section] = { ...components[section], ...(entries as Record<string, unknown>) };
    }
  }
  return { ...first, paths, components } as Document;
}

const messages = (errors: { instancePath?: string; message?: string }[] | null | undefined): string[] =>
  (errors ?? []).map((e) => `${e.instancePath ?? ""} ${e.message ?? "invalid"}`.trim());

/**
 * Request/response validation of vendor traffic against published OpenAPI files (3.0 or 3.1) with
 * openapi-backend; `quick` skips its 3.0-only meta-validation, which rejects valid 3.1 documents.
 */
export function contractChecker(
  specPaths: readonly string[],
  options: ContractCheckerOptions = {},
): ContractChecker {
  const api = new OpenAPIBackend({
    definition: merge(specPaths.map(load)),
    quick: true,
    strict: true,
    ajvOpts: { strict: false, logger: false },
    customizeAjv: (ajv) => {
      for (const [name, pattern] of Object.entries(LOOSE_FORMATS)) ajv.addFormat(name, pattern);
      return ajv;
    },
  });
  // quick mode initialises synchronously for object definitions
  void api.init();
  const gaps = options.knownGaps ?? [];
  const toBackend = (req: ContractRequest) => ({
    method: req.method.toLowerCase(),
    path: req.path,
    query: req.query,
    headers: req.headers as Record<string, string | string[]>,
    body: req.body,
  });
  const match = (req: ContractRequest): Operation | undefined => api.matchOperation(toBackend(req));

  return {
    operationOf: (req) => match(req)?.operationId,
    checkRequest(req) {
      const op = match(req);
      const base = { kind: "request" as const, method: req.method, path: req.path };
      if (!op) return { ...base, errors: ["no such operation in the vendor's spec"] };
      const result = api.validateRequest(toBackend(req), op);
      return result.valid
        ? undefined
        : { ...base, operationId: op.operationId, errors: messages(result.errors) };
    },
    checkResponse(req, status, body) {
      const op = match(req);
      if (!op?.operationId) return undefined;
      const gap = gaps.find((g) => g.operationId === op.operationId && g.status === status);
      if (gap?.accepts(body)) return undefined;
      const result = api.validateResponse(body, op, status);
      if (result.valid) return undefined;
      return {
        kind: "response",
        method: req.method,
        path: req.path,
        operationId: op.operationId,
        status,
        errors: messages(result.errors),
      };
    },
  };
}
