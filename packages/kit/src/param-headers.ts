/**
 * SEP-2243 (2026-07-28): a tool's input property marked `"x-mcp-header": "Name"` travels twice, in the body and in
 * an `Mcp-Param-Name` header (so gateways can route without parsing JSON), and the server must reject a request
 * whose two copies disagree. The SDK checks this only for its high-level McpServer; the kit serves the low-level
 * Server, so the HTTP entry checks it here, before dispatch, against the tool's listed input schema.
 */

const SENTINEL_PREFIX = "=?base64?";
const SENTINEL_SUFFIX = "?=";
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface ParamHeaderMismatch {
  header: string;
  message: string;
}

/** A header value as text: `=?base64?…?=` is decoded as UTF-8; anything else is literal. Undefined when malformed. */
export function decodeParamHeader(value: string): string | undefined {
  if (!(value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX) && value.length >= 11))
    return value;
  const b64 = value.slice(SENTINEL_PREFIX.length, -SENTINEL_SUFFIX.length);
  if (!CANONICAL_BASE64.test(b64)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(b64, "base64"));
  } catch {
    return undefined;
  }
}

/** The first property whose header is missing, malformed or different from the body; undefined when all agree. */
export function paramHeaderMismatch(
  inputSchema: object | undefined,
  args: unknown,
  headers: Headers,
): ParamHeaderMismatch | undefined {
  const body = (args && typeof args === "object" ? args : {}) as Record<string, unknown>;
  const properties = (inputSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  for (const [prop, schema] of Object.entries(properties)) {
    const name = (schema as { "x-mcp-header"?: unknown })["x-mcp-header"];
    const value = body[prop];
    if (typeof name !== "string" || value === undefined || value === null || typeof value === "object")
      continue;
    const header = `Mcp-Param-${name}`;
    const raw = headers.get(header);
    if (raw === null)
      return { header, message: `the body carries ${prop} but the ${header} header is absent` };
    const decoded = decodeParamHeader(raw);
    if (decoded === undefined)
      return { header, message: `the ${header} header is not valid Base64 in =?base64?…?=` };
    const same = typeof value === "number" ? Number(decoded) === value : decoded === String(value);
    if (!same) return { header, message: `the ${header} header does not match ${prop} in the body` };
  }
  return undefined;
}
