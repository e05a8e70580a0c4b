import type { IncomingMessage, ServerResponse } from "node:http";
import { AREAS, VERBS } from "./scopes";

export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

export interface ResourceMetadataOptions {
  /** This server's canonical URL (RFC 8707 resource indicator), e.g. https://mcp.example.com/mcp. */
  resource: string;
  /** Issuers of the authorization servers we accept tokens from. */
  authorizationServers?: readonly string[];
  /** Default: every <area>:<verb> scope. */
  scopesSupported?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
}

export const ALL_SCOPES: readonly string[] = AREAS.flatMap((a) => VERBS.map((v) => `${a}:${v}`));

/** Validates a resource URL: absolute http(s), no fragment (RFC 8707 §2). */
export function checkResourceUrl(resource: string): URL {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    throw new Error(`resource must be an absolute URL, got ${JSON.stringify(resource)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`resource must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.hash || resource.includes("#")) throw new Error("resource must not contain a fragment (RFC 8707)");
  return url;
}

/** RFC 9728 §3.1: the well-known segment goes between host and the resource's path. */
export function resourceMetadataUrl(resource: string): string {
  const url = checkResourceUrl(resource);
  const path = url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "");
  return `${url.origin}${PROTECTED_RESOURCE_METADATA_PATH}${path}`;
}

/** The RFC 9728 protected-resource metadata document. */
export function protectedResourceMetadata(o: ResourceMetadataOptions): Record<string, unknown> {
  checkResourceUrl(o.resource);
  return {
    resource: o.resource,
    authorization_servers: [...(o.authorizationServers ?? [])],
    scopes_supported: [...(o.scopesSupported ?? ALL_SCOPES)],
    bearer_methods_supported: ["header"],
    ...(o.resourceName && { resource_name: o.resourceName }),
    ...(o.resourceDocumentation && { resource_documentation: o.resourceDocumentation }),
  };
}

/**
 * Serves the metadata at /.well-known/oauth-protected-resource and at the path-suffixed form.
 * Returns false (writing nothing) for other paths, so callers can chain it before their router.
 */
export function protectedResourceMetadataHandler(
  o: ResourceMetadataOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const body = JSON.stringify(protectedResourceMetadata(o));
  const paths = new Set([
    PROTECTED_RESOURCE_METADATA_PATH,
    new URL(resourceMetadataUrl(o.resource)).pathname,
  ]);
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (!paths.has(path)) return false;
    // public, non-secret document: browser-based clients must be able to read it cross-origin
    const cors = { "access-control-allow-origin": "*", "access-control-allow-methods": "GET, OPTIONS" };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
    } else if (req.method === "GET" || req.method === "HEAD") {
      res
        .writeHead(200, { ...cors, "content-type": "application/json", "cache-control": "max-age=300" })
        .end(req.method === "HEAD" ? undefined : body);
    } else {
      res.writeHead(405, { ...cors, allow: "GET, HEAD, OPTIONS" }).end();
    }
    return true;
  };
}
