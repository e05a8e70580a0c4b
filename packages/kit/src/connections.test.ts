import { describe, expect, it } from "vitest";
import { ConfigError } from "./config";
import { checkNamedConnections, connectionResolver, nameConnection, namedEnvironments } from "./connections";
import { ToolError } from "./errors";

const VARS = ["SALES_CRM", "HUBSPOT_ACCESS_TOKEN"];

describe("named connections", () => {
  it("checks every named connection's settings, telling a problem with that connection's variables", () => {
    const check = (env: Record<string, string | undefined>) => {
      if (env.SALES_CRM === "hubspot" && !env.HUBSPOT_ACCESS_TOKEN)
        throw new ConfigError(
          "Invalid configuration:\n  HUBSPOT_ACCESS_TOKEN: is required when SALES_CRM=hubspot.",
        );
    };
    const good = namedEnvironments({ HUBSPOT_ACCESS_TOKEN: "pat", HUBSPOT_ACCESS_TOKEN__EU: "pat-eu" }, VARS);
    expect(() => checkNamedConnections(good, VARS, check)).not.toThrow();
    const half = namedEnvironments({ SALES_CRM__EU: "hubspot" }, VARS);
    const err = (() => {
      try {
        checkNamedConnections(half, VARS, check);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      'Connection "eu" is misconfigured (its __EU settings). Invalid configuration:\n  HUBSPOT_ACCESS_TOKEN__EU: is required when SALES_CRM__EU=hubspot.',
    );
  });

  it("finds each name's variables and lays them over the defaults", () => {
    const named = namedEnvironments(
      {
        SALES_CRM: "hubspot",
        HUBSPOT_ACCESS_TOKEN: "pat-us",
        HUBSPOT_ACCESS_TOKEN__EU: "pat-eu",
        SALES_CRM__SF_SANDBOX: "salesforce",
        HUBSPOT_ACCESS_TOKEN__EMPTY: "",
        OTHER_VAR__X: "ignored",
      },
      VARS,
    );
    expect(named.names).toEqual(["eu", "sf_sandbox"]);
    expect(named.env("eu")).toMatchObject({ SALES_CRM: "hubspot", HUBSPOT_ACCESS_TOKEN: "pat-eu" });
    expect(named.env("sf_sandbox")).toMatchObject({
      SALES_CRM: "salesforce",
      HUBSPOT_ACCESS_TOKEN: "pat-us",
    });
    expect(() => namedEnvironments({ HUBSPOT_ACCESS_TOKEN__9X: "p" }, VARS)).toThrow(ConfigError);
  });

  it("names the connection in its id so limits, caches and the ledger keep them apart", () => {
    expect(nameConnection({ crm: "hubspot", connectionId: "sales-hubspot" }, "eu")).toEqual({
      crm: "hubspot",
      connectionId: "sales-hubspot-eu",
    });
    expect(nameConnection({ crm: "sandbox" }, "eu")).toEqual({ crm: "sandbox" });
    expect(nameConnection({ connectionId: "x" })).toEqual({ connectionId: "x" });
  });

  it("builds each named set once, answers unknown names with the ones that exist, and retries failed builds", async () => {
    const named = namedEnvironments({ HUBSPOT_ACCESS_TOKEN__EU: "pat-eu", SALES_CRM__BAD: "x" }, VARS);
    let builds = 0;
    const using = connectionResolver({ id: "default" }, named, async (name, env) => {
      builds++;
      if (name === "bad") throw new ConfigError(`SALES_CRM: "${env.SALES_CRM}" is not a CRM.`);
      return { id: `${name}:${env.HUBSPOT_ACCESS_TOKEN}` };
    });
    expect(await using()).toEqual({ id: "default" });
    expect(await using("default")).toEqual({ id: "default" });
    expect(await using("eu")).toEqual({ id: "eu:pat-eu" });
    expect(await using("eu")).toEqual({ id: "eu:pat-eu" });
    expect(builds).toBe(1);
    const unknown = await using("apac").catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ToolError);
    expect((unknown as ToolError).message).toBe('There is no connection named "apac": bad, eu.');
    const bad = await using("bad").catch((e: unknown) => e);
    expect(bad).toMatchObject({
      kind: "user",
      message: expect.stringContaining('Connection "bad" is misconfigured'),
    });
    await using("bad").catch(() => undefined);
    expect(builds).toBe(3); // a failed build is not cached: a vendor that was down at connect is tried again
  });
});
