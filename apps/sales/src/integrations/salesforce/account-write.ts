import { type SalesforceConnector, soqlString } from "@revops/connectors";
import type { AccountFirmographics } from "../../ports-prospecting";
import { type FirmographicsIo, VendorAccountWrite } from "../account-write";

const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
/** Account's standard fields; Industry is an unrestricted picklist, so the directory's label is kept as it is. */
const FIELD = { industry: "Industry", employees: "NumberOfEmployees", country: "BillingCountry" } as const;

/** Enriched fields onto a Salesforce Account through jsforce (a fresh SOQL read, one PATCH). */
export function salesforceAccountWrite(sf: SalesforceConnector): VendorAccountWrite {
  const { runtime, withSession } = sf.sdk;
  const io: FirmographicsIo = {
    system: "salesforce",
    async read(id) {
      if (!SF_ID.test(id)) return undefined;
      const soql = `SELECT Id, ${Object.values(FIELD).join(", ")} FROM Account WHERE Id = ${soqlString(id)}`;
      const [r] = (await runtime.named("accounts.lookup", true, () => sf.query(soql))).records;
      if (!r) return undefined;
      const employees = r.NumberOfEmployees == null ? undefined : Number(r.NumberOfEmployees);
      return {
        ...(r.Industry != null && { industry: String(r.Industry) }),
        ...(employees !== undefined && { employees }),
        ...(r.BillingCountry != null && { country: String(r.BillingCountry) }),
      };
    },
    async write(id, c: AccountFirmographics) {
      const fields = Object.fromEntries(
        (Object.keys(FIELD) as (keyof typeof FIELD)[])
          .filter((k) => c[k] !== undefined)
          .map((k) => [FIELD[k], c[k]]),
      );
      await runtime.named("accounts.update", false, () =>
        withSession((conn) => conn.sobject("Account").update({ Id: id, ...fields })),
      );
    },
  };
  return new VendorAccountWrite(io);
}
