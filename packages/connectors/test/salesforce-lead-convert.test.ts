import { type RunningFake, type SalesforceState, startSalesforceFake } from "@revops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  convertedLead,
  convertLeadOnce,
  createSalesforceConnector,
  type SalesforceConnector,
  SalesforceConvertError,
} from "../src/index";
import { FAST_POLICY } from "./helpers";

// ids the seed gives: the account 001…01, then the contact 003…02 (on it), then leads 00Q…03 to 00Q…06
const ACCOUNT = "001000000000000001";
const CONTACT = "003000000000000002";
const lead = (n: number) => `00Q${String(n).padStart(15, "0")}`;
const [FRESH, REUSE, AMBIGUOUS, MALFORMED] = [lead(3), lead(4), lead(5), lead(6)];
const STATUS = "Closed - Converted";

let fake: RunningFake<SalesforceState>;
let sf: SalesforceConnector;
const connect = (accessToken: string) =>
  createSalesforceConnector(
    {
      id: "acme-sf",
      vendor: "salesforce",
      allowInsecureTestBaseUrl: true,
      credentials: { instanceUrl: fake.url, accessToken },
    },
    { policy: FAST_POLICY },
  );

beforeAll(async () => {
  fake = await startSalesforceFake({
    Account: [{ Name: "Northwind Traders" }],
    Contact: [{ FirstName: "Ana", LastName: "Reuse", Email: "ana@northwind.test", AccountId: ACCOUNT }],
    Lead: ["Fresh", "Reuse", "Ambiguous", "Malformed"].map((l) => ({
      FirstName: "Ana",
      LastName: l,
      Company: `${l} Corp`,
      Email: `ana@${l.toLowerCase()}.test`,
      Status: "Open - Not Contacted",
      IsConverted: false,
    })),
  });
  sf = await connect("00D-static");
});
afterAll(async () => fake.close());

const lc = (leadId: string, more = {}) => ({
  leadId,
  convertedStatus: STATUS,
  opportunityName: "Deal",
  ...more,
});
const never = async () => false;
const refusal = (p: Promise<unknown>) => p.catch((e: unknown) => e as SalesforceConvertError);

describe("Salesforce convertLead (SOAP) through jsforce", () => {
  it("converts a lead into a new account, contact and opportunity, visible to SOQL on the lead", async () => {
    const { value, recovered } = await convertLeadOnce(sf, lc(FRESH), never);
    expect(recovered).toBe(false);
    expect(await convertedLead(sf, FRESH)).toEqual(value);
    const soap = fake.requests.filter((r) => r.path === "/services/Soap/u/60.0");
    expect(soap).toHaveLength(1);
    expect(soap[0]?.headers.authorization).toBeUndefined();
    expect(soap[0]?.body).toMatch(/<SessionHeader><sessionId>00D-static<\/sessionId><\/SessionHeader>/);
    expect(fake.state.objects.Account?.get(value.accountId)).toMatchObject({ Name: "Fresh Corp" });
    expect(fake.state.objects.Contact?.get(value.contactId)).toMatchObject({ Email: "ana@fresh.test" });
    expect(fake.state.objects.Opportunity?.get(value.opportunityId)).toMatchObject({
      Name: "Deal",
      AccountId: value.accountId,
      StageName: "Prospecting",
    });
  });

  it("merges into an existing account and contact by id", async () => {
    const { value } = await convertLeadOnce(sf, lc(REUSE, { accountId: ACCOUNT, contactId: CONTACT }), never);
    expect(value).toMatchObject({ accountId: ACCOUNT, contactId: CONTACT });
  });

  it("refuses a converted lead, an unknown one, a non-converted status and a malformed id for good", async () => {
    expect(await refusal(convertLeadOnce(sf, lc(FRESH), never))).toMatchObject({
      code: "CANNOT_UPDATE_CONVERTED_LEAD",
      fields: ["leadId"],
    });
    expect(await refusal(convertLeadOnce(sf, lc("00Q999999999999999"), never))).toMatchObject({
      code: "INVALID_CROSS_REFERENCE_KEY",
    });
    expect(
      await refusal(convertLeadOnce(sf, lc(MALFORMED, { convertedStatus: "Working - Contacted" }), never)),
    ).toMatchObject({ code: "INVALID_STATUS" });
    const fault = await refusal(convertLeadOnce(sf, lc(MALFORMED, { accountId: "001-bad" }), never));
    expect(fault).toBeInstanceOf(SalesforceConvertError);
    expect(fault).toMatchObject({ code: "INVALID_ID_FIELD" });
    expect(await convertedLead(sf, MALFORMED)).toBeUndefined();
  });

  it("after an ambiguous failure finds the landed conversion on the lead instead of converting again", async () => {
    fake.state.failAfterWrite = { status: 503, times: 1 };
    const before = fake.state.objects.Opportunity?.size ?? 0;
    const { value, recovered } = await convertLeadOnce(sf, lc(AMBIGUOUS), async () => true);
    expect(recovered).toBe(true);
    expect(value).toEqual(await convertedLead(sf, AMBIGUOUS));
    expect(fake.state.objects.Opportunity?.size).toBe(before + 1);
    expect(fake.state.appliedUpdates.filter((u) => u.id === AMBIGUOUS)).toHaveLength(1);
  });

  it("answers a bad session with the INVALID_SESSION_ID fault", async () => {
    const expired = await connect("00D-static");
    fake.state.oauth.accessTokens.set("00D-expired", 0);
    expired.sdk.conn.accessToken = "00D-expired";
    expect(await refusal(convertLeadOnce(expired, lc(MALFORMED), never))).toMatchObject({
      code: "INVALID_SESSION_ID",
    });
  });
});
