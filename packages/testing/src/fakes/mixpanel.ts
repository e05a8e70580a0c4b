/**
 * Mixpanel fake: ingestion `POST /import` (strict mode, service-account Basic auth, `$insert_id` de-duplication),
 * the raw export `GET /api/2.0/export` (JSONL; `event`, `limit` and `where` of the form
 * `defined(properties["…"])`) and group profiles through `POST /api/query/engage` (mixpanel-engage.ts).
 * Requests and answers are checked against ../shared/vendor-specs/mixpanel/ingestion.openapi.yaml,
 * export.openapi.yaml and query.openapi.yaml.
 *
 * It listens on https (a self-signed certificate, MIXPANEL_FAKE_CA) because the mixpanel client refuses to send
 * service-account credentials over anything else: a TLS front on 127.0.0.1 forwards each connection to the
 * plain fake, so faults (reset, hang, trickle) reach the client through TLS unchanged.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { parse as parseYaml } from "yaml";
import { type ContractChecker, contractChecker } from "./contract";
import { type FakeRequest, json, type Reply, type RunningFake, startFake } from "./http-fake";
import {
  ENGAGE_DISTINCT_ID_GAP,
  type EngageState,
  engageFormTyped,
  engageQuery,
  engageState,
  type MixpanelGroupProfile,
} from "./mixpanel-engage";
import { MIXPANEL_FAKE_CA, MIXPANEL_FAKE_KEY } from "./mixpanel-tls";
import { VENDOR_SPECS_DIR } from "./sendgrid";

export { MIXPANEL_FAKE_CA } from "./mixpanel-tls";

export interface MixpanelEvent {
  event: string;
  properties: Record<string, unknown> & { time: number; distinct_id: string; $insert_id: string };
}

export interface MixpanelState {
  projectId: string;
  /** Accepted service account; change `secret` to make the fake answer 401. */
  serviceAccount: { username: string; secret: string };
  /** Stored events, de-duplicated on (event, time, distinct_id, $insert_id) as Mixpanel does. */
  events: MixpanelEvent[];
  /** Every row received by /import, duplicates included. */
  received: number;
  /** Group profiles served by the Query API's engage endpoint. */
  engage: EngageState;
}

export interface MixpanelSeed {
  projectId?: string;
  serviceAccount?: { username: string; secret: string };
  events?: MixpanelEvent[];
  /** Group profiles per data group id. */
  groups?: Record<string, MixpanelGroupProfile[]>;
}

export const MIXPANEL_SPEC_FILES = [
  join(VENDOR_SPECS_DIR, "mixpanel", "ingestion.openapi.yaml"),
  join(VENDOR_SPECS_DIR, "mixpanel", "export.openapi.yaml"),
  join(VENDOR_SPECS_DIR, "mixpanel", "query.openapi.yaml"),
] as const;

/**
 * The export and query documents' servers end in /api/2.0 and /api/query, so their paths are relative to those;
 * the copies spell the prefixes out so all documents route on one fake. The spec files are never modified.
 */
function withServerPath(doc: Record<string, unknown>): Record<string, unknown> {
  const server = (doc.servers as { url: string }[] | undefined)?.[0]?.url ?? "";
  const prefix = new URL(server.replace(/\{[^}]+\}/g, "x")).pathname.replace(/\/$/, "");
  if (!prefix) return doc;
  const paths = Object.fromEntries(
    Object.entries(doc.paths as Record<string, unknown>).map(([p, v]) => [`${prefix}${p}`, v]),
  );
  return { ...doc, paths };
}

let checker: ContractChecker | undefined;
export function mixpanelContract(): ContractChecker {
  if (checker) return checker;
  const dir = mkdtempSync(join(tmpdir(), "mixpanel-spec-"));
  const copies = MIXPANEL_SPEC_FILES.map((file) => {
    const copy = join(
      dir,
      file
        .split("/")
        .at(-1)
        ?.replace(/\.yaml$/, ".json") ?? "spec.json",
    );
    writeFileSync(copy, JSON.stringify(withServerPath(parseYaml(readFileSync(file, "utf8")))));
    return copy;
  });
  const base = contractChecker(copies, { knownGaps: [ENGAGE_DISTINCT_ID_GAP] });
  checker = { ...base, checkRequest: (req) => base.checkRequest(engageFormTyped(req)) };
  return checker;
}

const mpError = (status: number, error: string, statusText: string): Reply =>
  json(status, { code: status, error, status: statusText });

function basicOk(state: MixpanelState, req: FakeRequest): boolean {
  const auth = req.headers.authorization;
  if (typeof auth !== "string" || !auth.startsWith("Basic ")) return false;
  const [user, secret] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
  return user === state.serviceAccount.username && secret === state.serviceAccount.secret;
}

const dedupeKey = (e: MixpanelEvent) =>
  JSON.stringify([e.event, e.properties.time, e.properties.distinct_id, e.properties.$insert_id]);

function importEvents(state: MixpanelState, req: FakeRequest): Reply {
  if (req.query.get("project_id") !== state.projectId)
    return mpError(401, "project_id does not match the service account", "Unauthorized");
  const rows = req.json as MixpanelEvent[];
  state.received += rows.length;
  const seen = new Map(state.events.map((e, i) => [dedupeKey(e), i]));
  for (const row of rows) {
    const at = seen.get(dedupeKey(row));
    // "only the latest ingested one will be considered in queries"
    if (at === undefined) seen.set(dedupeKey(row), state.events.push(row) - 1);
    else state.events[at] = row;
  }
  return json(200, { code: 200, num_records_imported: rows.length, status: "OK" });
}

/** The one `where` form the fake evaluates: `defined(properties["name"])`; anything else is refused. */
const DEFINED = /^defined\(properties\["([^"\\]+)"\]\)$/;

function exportEvents(state: MixpanelState, req: FakeRequest): Reply {
  const day = (t: number) => new Date(t * (t > 1e12 ? 1 : 1000)).toISOString().slice(0, 10);
  const from = req.query.get("from_date") ?? "";
  const to = req.query.get("to_date") ?? "";
  const names = req.query.get("event");
  const wanted = names ? (JSON.parse(names) as string[]) : undefined;
  const where = req.query.get("where");
  const defined = where ? DEFINED.exec(where)?.[1] : undefined;
  if (where && !defined)
    return mpError(400, `the fake only evaluates defined(properties["…"]), not ${where}`, "Bad Request");
  const limit = Number(req.query.get("limit") ?? Number.POSITIVE_INFINITY);
  const rows = state.events
    .filter((e) => {
      const d = day(e.properties.time);
      return (
        d >= from &&
        d <= to &&
        (!wanted || wanted.includes(e.event)) &&
        (!defined || (e.properties[defined] !== undefined && e.properties[defined] !== null))
      );
    })
    .slice(0, limit);
  return {
    status: 200,
    raw: rows.map((r) => `${JSON.stringify(r)}\n`).join(""),
    headers: { "content-type": "text/plain; charset=utf-8" },
  };
}

export function mixpanelState(seed: MixpanelSeed = {}): MixpanelState {
  return {
    projectId: seed.projectId ?? "3141592",
    serviceAccount: seed.serviceAccount ?? { username: "revops.sa", secret: "sa-secret" },
    events: [...(seed.events ?? [])],
    received: 0,
    engage: engageState(seed.groups),
  };
}

/** TLS on 127.0.0.1 in front of a plain fake: one upstream connection per client connection. */
async function tlsFront(upstreamPort: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket | TLSSocket>();
  const server = createTlsServer({ key: MIXPANEL_FAKE_KEY, cert: MIXPANEL_FAKE_CA }, (client) => {
    const upstream = connect(upstreamPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface RunningMixpanelFake extends RunningFake<MixpanelState> {
  /** The plain-http listener behind the TLS front (for asserting that http is refused). */
  httpUrl: string;
  /** PEM to trust for `url` (self-signed; tests only). */
  ca: string;
}

/** Starts the Mixpanel fake on https://127.0.0.1 (self-signed, MIXPANEL_FAKE_CA). */
export async function startMixpanelFake(seed: MixpanelSeed = {}): Promise<RunningMixpanelFake> {
  const state = mixpanelState(seed);
  const inner = await startFake(
    {
      name: "mixpanel",
      route: (req) => {
        if (!basicOk(state, req)) return mpError(401, "Invalid credentials", "Unauthorized");
        if (req.method === "POST" && req.path === "/import") return importEvents(state, req);
        if (req.method === "GET" && req.path === "/api/2.0/export") return exportEvents(state, req);
        if (req.method === "POST" && req.path === "/api/query/engage")
          return engageQuery(state.engage, req, state.projectId);
        return mpError(404, "not found", "Not Found");
      },
      unauthorized: () => mpError(401, "Invalid credentials", "Unauthorized"),
      contract: mixpanelContract(),
      contractRejection: (v) => mpError(400, v.errors.join("; "), "Bad Request"),
    },
    state,
  );
  const front = await tlsFront(Number(new URL(inner.url).port));
  return {
    ...inner,
    url: `https://127.0.0.1:${front.port}`,
    httpUrl: inner.url,
    ca: MIXPANEL_FAKE_CA,
    close: async () => {
      await front.close();
      await inner.close();
    },
  };
}
