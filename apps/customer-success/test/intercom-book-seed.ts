import type { AccountSignals } from "@revops/model";
import type { IntercomSeed } from "@revops/testing";

/**
 * Intercom over the book's two first accounts: their companies, a person at each and a lead, and rated
 * conversations inside and outside the signal windows (the Intercom tests and the signals contract share it).
 * `at(daysAgo)` is the test's clock in Unix seconds.
 */
export function intercomBookSeed(
  big: AccountSignals,
  small: AccountSignals,
  at: (daysAgo: number) => number,
): IntercomSeed {
  return {
    accessToken: "ic-good",
    companies: [
      { companyId: big.accountId, name: "Big Co (Intercom)" },
      { companyId: small.accountId, name: "Small Co (Intercom)" },
    ],
    contacts: [
      { name: "Ada", email: "ada@big.test", companyIndex: 0 },
      { name: "Bob", email: "bob@small.test", companyIndex: 1 },
      { name: "Lead", email: "lead@nowhere.test" },
    ],
    conversations: [
      { title: "SSO", contactIndex: 0, createdAt: at(10), priority: true, rating: { rating: 5, at: at(9) } },
      {
        title: "Billing",
        contactIndex: 0,
        createdAt: at(20),
        state: "closed",
        rating: { rating: 4, at: at(19) },
      },
      {
        title: "Export",
        contactIndex: 1,
        createdAt: at(5),
        rating: { rating: 1, remark: "Export keeps failing", at: at(4) },
      },
      {
        title: "Old slow",
        contactIndex: 1,
        createdAt: at(100),
        state: "closed",
        rating: { rating: 2, remark: "Slow support", at: at(95) },
      },
      {
        title: "Ancient",
        contactIndex: 1,
        createdAt: at(200),
        state: "closed",
        rating: { rating: 5, at: at(199) },
      },
      {
        title: "Pricing",
        contactIndex: 2,
        createdAt: at(3),
        rating: { rating: 3, remark: "meh", at: at(2) },
      },
      { title: "Open question", contactIndex: 0, createdAt: at(1) },
    ],
  };
}
