import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Provider } from "oidc-provider";

export const CLIENT_ID = "revops-console";
export const CLIENT_SECRET = "test-secret-of-the-console-client-0123456789";

/** Accounts of the test organisation: login name (any password) → claims. */
export const ACCOUNTS: Record<string, Record<string, unknown>> = {
  "alice@acme.test": { email: "alice@acme.test", email_verified: true, groups: ["revops-admins", "staff"] },
  "bob@acme.test": { email: "bob@acme.test", email_verified: true, groups: ["finance"] },
  "nora@acme.test": { email: "nora@acme.test", email_verified: true, groups: ["staff"] },
  "eve@evil.test": { email: "eve@evil.test", email_verified: true, groups: ["revops-admins"] },
  "ivan@acme.test": { email: "ivan@acme.test", email_verified: false, groups: ["revops-admins"] },
};

export interface TestIdp {
  issuer: string;
  /** Registers a console's callback URL (the provider then starts afresh with it). */
  allow: (redirectUri: string) => void;
  stop: () => Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider) on 127.0.0.1, reached as `localhost` so that it is another site than
 * the console at 127.0.0.1 (cookies' SameSite rules apply as with a real provider). Its own login page takes any
 * password; consent is implied, as for a first-party application at an organisation's provider.
 */
export async function startIdp(): Promise<TestIdp> {
  let handler:
    | ((req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void)
    | undefined;
  const server = createServer((req, res) => handler?.(req, res));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const redirectUris: string[] = [];
  const configure = () =>
    new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [...redirectUris],
          // where signing out sends the browser back: the console's sign-in page beside each callback
          post_logout_redirect_uris: redirectUris.map((u) => u.replace(/\/oidc\/callback$/, "/signin")),
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      jwks: { keys: [{ ...key, alg: "RS256", use: "sig", kid: "test" }] },
      cookies: { keys: ["test-cookie-key-0123456789"] },
      // fixed lifetimes (the defaults are functions it warns about)
      ttl: {
        Interaction: 600,
        Grant: 600,
        Session: 600,
        AccessToken: 600,
        IdToken: 600,
        AuthorizationCode: 60,
      },
      claims: { openid: ["sub"], email: ["email", "email_verified"], groups: ["groups"] },
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({ sub, ...(ACCOUNTS[sub] ?? { email: sub }) }),
      }),
      // a first-party application: the organisation's provider grants what it asks without a consent screen
      loadExistingGrant: async (ctx: {
        oidc: {
          client: { clientId: string };
          session: { accountId: string; grantIdFor: (c: string) => string | undefined };
          provider: { Grant: GrantClass };
          params: { scope?: string };
        };
      }) => {
        const { client, session, provider: p, params } = ctx.oidc;
        const existing = session.grantIdFor(client.clientId);
        if (existing) return p.Grant.find(existing);
        const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
        grant.addOIDCScope(params.scope ?? "openid");
        await grant.save();
        return grant;
      },
      // the default error page loads a web font from the internet
      renderError: (ctx: { type: string; body: string }, out: Record<string, string>) => {
        ctx.type = "text/plain";
        ctx.body = Object.entries(out)
          .map(([k, v]) => `${k}: ${v}`)
          .join("\n");
      },
    });
  return {
    issuer,
    allow: (uri) => {
      redirectUris.push(uri);
      handler = configure().callback();
    },
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

interface GrantClass {
  new (o: {
    clientId: string;
    accountId: string;
  }): { addOIDCScope(s: string): void; save(): Promise<string> };
  find(id: string): Promise<unknown>;
}
