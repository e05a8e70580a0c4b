import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/** Hosts each vendor's API may live on; `*.` matches any subdomain depth. */
export const VENDOR_HOSTS = {
  salesforce: ["*.my.salesforce.com", "*.salesforce.com", "login.salesforce.com", "test.salesforce.com"],
  hubspot: ["api.hubapi.com", "api.hubspot.com"],
  sendgrid: ["api.sendgrid.com", "api.eu.sendgrid.com"],
  apollo: ["api.apollo.io"],
} as const satisfies Record<string, readonly string[]>;

export type Resolver = (hostname: string) => Promise<string[]>;

export class UnsafeUrlError extends Error {
  override name = "UnsafeUrlError";
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Refused outbound URL ${url}: ${reason}.`);
  }
}

export interface OutboundUrlOptions {
  /** Allowed host patterns, or "any" for links whose host is not known in advance (webhooks). */
  hosts: readonly string[] | "any";
  resolve?: Resolver;
}

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

function ipv4Private(ip: string): boolean {
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** Loopback, link-local, private, shared, multicast and unspecified addresses (IPv4 and IPv6). */
export function isPrivateAddress(ip: string): boolean {
  const addr = ip.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(addr) === 4) return ipv4Private(addr);
  if (isIP(addr) !== 6) return true; // not an address at all: never trust it
  const mapped = addr.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return ipv4Private(mapped[1] as string);
  if (addr === "::" || addr === "::1") return true;
  return /^(f[cd]|fe[89ab]|ff)/.test(addr);
}

export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return patterns.some((p) =>
    p.startsWith("*.") ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p,
  );
}

/** Parses a URL from outside: https only, no credentials in it. */
function parseHttps(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(raw, "it is not a valid URL");
  }
  if (url.protocol !== "https:") throw new UnsafeUrlError(raw, "only https:// is allowed");
  if (url.username || url.password) throw new UnsafeUrlError(raw, "credentials in URLs are not allowed");
  return url;
}

/**
 * Checks a URL that came from outside (Salesforce instance_url, a webhook, an enrichment link):
 * https only, an allowed host, and every address it resolves to is public.
 */
export async function checkOutboundUrl(raw: string, opts: OutboundUrlOptions): Promise<URL> {
  const url = parseHttps(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new UnsafeUrlError(raw, "it points into a private or loopback network");
    if (opts.hosts !== "any") throw new UnsafeUrlError(raw, "a bare IP address is not a vendor host");
    return url;
  }
  if (opts.hosts !== "any" && !hostMatches(host, opts.hosts)) {
    throw new UnsafeUrlError(raw, `host ${host} is not one of ${opts.hosts.join(", ")}`);
  }
  let addresses: string[];
  try {
    addresses = await (opts.resolve ?? systemResolver)(host);
  } catch {
    throw new UnsafeUrlError(raw, `host ${host} does not resolve`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new UnsafeUrlError(raw, `host ${host} resolves into a private or loopback network`);
  }
  return url;
}

/**
 * Checks a link from vendor data that is shown to people but never fetched by us (a LinkedIn page):
 * https only, no credentials or port, an allowed host name (not an IP). No DNS: nothing connects to it.
 */
export function checkDisplayLink(raw: string, hosts: readonly string[]): URL {
  const url = parseHttps(raw);
  if (url.port) throw new UnsafeUrlError(raw, "a link with a port is not a vendor page");
  if (isIP(url.hostname.replace(/^\[|\]$/g, "")))
    throw new UnsafeUrlError(raw, "a bare IP address is not allowed");
  if (!hostMatches(url.hostname, hosts)) {
    throw new UnsafeUrlError(raw, `host ${url.hostname} is not one of ${hosts.join(", ")}`);
  }
  return url;
}

/** Test-only base URLs (fakes on 127.0.0.1): plain http to loopback, and nothing else. */
export function checkTestBaseUrl(raw: string): URL {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) {
    throw new UnsafeUrlError(raw, "allowInsecureTestBaseUrl only permits a fake on 127.0.0.1");
  }
  return url;
}
