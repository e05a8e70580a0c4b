import { describe, expect, it } from "vitest";
import { decodeParamHeader, paramHeaderMismatch } from "./param-headers";

const schema = {
  type: "object",
  properties: {
    region: { type: "string", "x-mcp-header": "Region" },
    limit: { type: "integer", "x-mcp-header": "Limit" },
    q: { type: "string" },
  },
};
const headers = (h: Record<string, string>) => new Headers(h);

describe("Mcp-Param headers (SEP-2243)", () => {
  it("decodes the Base64 sentinel and keeps anything else literal", () => {
    expect(decodeParamHeader(`=?base64?${Buffer.from("Zürich").toString("base64")}?=`)).toBe("Zürich");
    expect(decodeParamHeader("SGVsbG8=")).toBe("SGVsbG8=");
    expect(decodeParamHeader("=?base64?SGVsbG8=")).toBe("=?base64?SGVsbG8=");
    expect(decodeParamHeader("=?base64?SGVsbG8?=")).toBeUndefined(); // bad padding
    expect(decodeParamHeader("=?base64?SGVs!!!bG8=?=")).toBeUndefined();
  });

  it("accepts agreeing copies, numbers compared as numbers, and ignores unmarked or absent arguments", () => {
    expect(
      paramHeaderMismatch(
        schema,
        { region: "eu", limit: 5, q: "x" },
        headers({ "Mcp-Param-Region": "eu", "Mcp-Param-Limit": "5.0" }),
      ),
    ).toBeUndefined();
    expect(paramHeaderMismatch(schema, { q: "x" }, headers({}))).toBeUndefined();
  });

  it("names the header that is missing, malformed or different", () => {
    expect(paramHeaderMismatch(schema, { region: "eu" }, headers({}))?.header).toBe("Mcp-Param-Region");
    expect(
      paramHeaderMismatch(schema, { region: "eu" }, headers({ "Mcp-Param-Region": "us" }))?.message,
    ).toContain("does not match region");
    expect(
      paramHeaderMismatch(schema, { region: "eu" }, headers({ "Mcp-Param-Region": "=?base64?ZX?=" }))
        ?.message,
    ).toContain("not valid Base64");
  });
});
