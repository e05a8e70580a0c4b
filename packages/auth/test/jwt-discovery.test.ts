import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { JwtVerifier, TokenCheckUnavailableError, TokenRejectedError } from "../src/index";
import { listen } from "./servers";

describe("JWKS discovery from the issuer", () => {
  it("falls back to OpenID configuration, checks the metadata issuer, and retries after failures", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "r1" };
    let mode: "oidc" | "none" | "mismatch" = "none";
    const as = await listen((req, res) => {
      const issuer = `${as.url}/tenant`;
      if (mode !== "none" && req.url === "/tenant/.well-known/openid-configuration") {
        const meta = { issuer: mode === "oidc" ? issuer : "https://elsewhere", jwks_uri: `${as.url}/keys` };
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(meta));
      }
      if (req.url === "/keys") return void res.writeHead(200).end(JSON.stringify({ keys: [jwk] }));
      res.writeHead(404).end();
    });
    try {
      const issuer = `${as.url}/tenant`;
      const resource = "https://mcp.example.com/mcp";
      const verifier = new JwtVerifier({ issuer, roleClaim: "role" }, resource);
      const token = await new SignJWT({ role: "admin", client_id: "svc" })
        .setProtectedHeader({ alg: "RS256", kid: "r1" })
        .setIssuer(issuer)
        .setAudience(resource)
        .setExpirationTime("1m")
        .sign(privateKey);
      await expect(verifier.verify(token)).rejects.toThrow(TokenCheckUnavailableError);
      mode = "mismatch";
      await expect(verifier.verify(token)).rejects.toThrow(/names another issuer/);
      mode = "oidc";
      expect(await verifier.verify(token)).toEqual({ id: "oauth:svc", scopes: ["*"], via: "oauth" });

      const hs = await new SignJWT({ sub: "x" })
        .setProtectedHeader({ alg: "HS256" })
        .setIssuer(issuer)
        .setAudience(resource)
        .setExpirationTime("1m")
        .sign(new TextEncoder().encode("k".repeat(32)));
      await expect(verifier.verify(hs)).rejects.toThrow(/algorithm that is not allowed/);
      const future = await new SignJWT({ sub: "x" })
        .setProtectedHeader({ alg: "RS256", kid: "r1" })
        .setIssuer(issuer)
        .setAudience(resource)
        .setNotBefore("10m")
        .setExpirationTime("20m")
        .sign(privateKey);
      await expect(verifier.verify(future)).rejects.toThrow(/not valid yet/);
      const anonymous = await new SignJWT({})
        .setProtectedHeader({ alg: "RS256", kid: "r1" })
        .setIssuer(issuer)
        .setAudience(resource)
        .setExpirationTime("1m")
        .sign(privateKey);
      await expect(verifier.verify(anonymous)).rejects.toThrow(TokenRejectedError);
    } finally {
      await as.close();
    }
  });
});
