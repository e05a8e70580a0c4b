import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exchangeAuthorizationCode, type TokenSet, VENDOR_DEFAULT_TTL_MS } from "@revops/auth";
import type { ConsentProvider } from "./providers";

export type ConsentFailure = "denied" | "state" | "exchange" | "timeout" | "listener";

/** The consent did not give tokens; the message says why and what to do. Nothing was stored. */
export class ConsentError extends Error {
  override name = "ConsentError";
  constructor(
    readonly reason: ConsentFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ConsentOptions {
  provider: ConsentProvider;
  clientId: string;
  clientSecret: string;
  /** Shows the consent URL to the user (opens the browser and/or prints it). */
  open: (url: string) => Promise<void> | void;
  /** 0 (default) picks a free port; vendors that match redirect URIs exactly need the registered one. */
  port?: number;
  /** How long to wait for the browser to come back (default 5 min). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ConsentResult {
  tokens: TokenSet;
  redirectUri: string;
}

const b64url = (b: Buffer) => b.toString("base64url");

const PAGE = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err) =>
      reject(
        new ConsentError("listener", `Cannot listen on 127.0.0.1:${port} for the redirect: ${err.message}`),
      ),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/** The authorization request (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636 §4.3). */
export function authorizeUrl(
  p: ConsentProvider,
  clientId: string,
  redirectUri: string,
  state: string,
  challenge: string,
) {
  const url = new URL(p.authorizeUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("redirect_uri", redirectUri);
  if (p.scopes.length) url.searchParams.set("scope", p.scopes.join(" "));
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  for (const [k, v] of Object.entries(p.params ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

/** What came back to the redirect URI: the code, or why there is none. */
function outcome(q: URLSearchParams, state: string, label: string): { code: string } | ConsentError {
  // the state is checked first: a forged redirect must not even be reported as the vendor's answer
  if (q.get("state") !== state)
    return new ConsentError(
      "state",
      `The redirect to this computer did not carry the state this setup sent (a stale tab or a forged request): nothing was stored. Start the ${label} sign-in again.`,
    );
  const error = q.get("error");
  if (error) {
    const why = /^[a-z_-]{1,64}$/i.test(error) ? error : "error";
    return new ConsentError(
      "denied",
      why === "access_denied" || why === "access-denied"
        ? `${label} access was not allowed in the browser (access_denied): nothing was stored. Run it again and choose Allow, or pick another sign-in method.`
        : `${label} refused the authorization request (${why}): check the app's redirect URL, scopes and client id; nothing was stored.`,
    );
  }
  const code = q.get("code");
  if (!code) return new ConsentError("exchange", `${label} came back without a code: nothing was stored.`);
  return { code };
}

/**
 * The authorization-code flow on a loopback redirect (RFC 8252 §7.3): listens on 127.0.0.1, shows the consent
 * URL, takes the first redirect, checks its state, redeems the code with the PKCE verifier. Always closes the
 * listener; never returns partial results.
 */
export async function runConsent(o: ConsentOptions): Promise<ConsentResult> {
  const { provider: p } = o;
  const state = b64url(randomBytes(32));
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash("sha256").update(verifier).digest());
  let settle: (r: { code: string } | ConsentError) => void = () => {};
  const answered = new Promise<{ code: string } | ConsentError>((resolve) => {
    settle = resolve;
  });
  let done = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/callback") return void res.writeHead(404).end();
    if (done) {
      res.writeHead(409, { "content-type": "text/html; charset=utf-8" });
      return void res.end(PAGE("Already handled", "This sign-in was already answered; close this tab."));
    }
    done = true;
    const r = outcome(url.searchParams, state, p.label);
    res.writeHead(r instanceof ConsentError ? 400 : 200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      r instanceof ConsentError
        ? PAGE(`${p.label} not connected`, "Go back to the terminal to see why.")
        : PAGE(`${p.label} connected`, "You can close this tab and return to the terminal."),
    );
    settle(r);
  });
  try {
    const port = await listen(server, o.port ?? 0);
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    await o.open(authorizeUrl(p, o.clientId, redirectUri, state, challenge));
    const timeoutMs = o.timeoutMs ?? 5 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ConsentError>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            new ConsentError(
              "timeout",
              `No answer from the browser within ${Math.round(timeoutMs / 1000)} s: nothing was stored. Run it again.`,
            ),
          ),
        timeoutMs,
      );
    });
    const got = await Promise.race([answered, timeout]).finally(() => clearTimeout(timer));
    if (got instanceof ConsentError) throw got;
    try {
      const tokens = await exchangeAuthorizationCode(
        {
          tokenUrl: p.tokenUrl,
          clientId: o.clientId,
          clientSecret: o.clientSecret,
          defaultTtlMs: VENDOR_DEFAULT_TTL_MS[p.vendor],
          ...(o.fetch ? { fetch: o.fetch } : {}),
        },
        {
          code: got.code,
          redirectUri,
          codeVerifier: verifier,
          ...(p.scopeOnExchange ? { scope: p.scopes.join(" ") } : {}),
        },
      );
      if (!tokens.refreshToken && !p.refreshOptional)
        throw new ConsentError(
          "exchange",
          `${p.label} issued no refresh token: allow offline access (Salesforce: the refresh_token scope on the connected app); nothing was stored.`,
        );
      return { tokens, redirectUri };
    } catch (err) {
      if (err instanceof ConsentError) throw err;
      throw new ConsentError(
        "exchange",
        `${p.label} did not redeem the authorization code (${(err as Error).message}): check the client secret and that the app's redirect URL is ${redirectUri}; nothing was stored.`,
      );
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
