import type { SizeBand } from "@revops/model";
import { addYears, isoDay } from "../dates.js";
import {
  COMPANY_FORMS,
  COMPANY_ROOTS,
  COMPANY_STEMS,
  COUNTRIES,
  emailLocal,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  type Region,
  SALES_REPS,
  TITLES,
} from "../names.js";
import { allocate, hashString, Rng } from "../random.js";
import { type AccountModel, BASE_COUNTS, type Ctx, padId, scaled } from "./types.js";

const REGION_WEIGHTS: [Region, number][] = [
  ["NA", 45],
  ["EMEA", 30],
  ["APAC", 15],
  ["LATAM", 10],
];
const PRICE_PER_SEAT: Record<string, number> = { starter: 240, growth: 420, enterprise: 600 };
const CONTACT_WEIGHT: Record<SizeBand, number> = { "1-50": 2, "51-200": 3.5, "201-1000": 5, "1000+": 7 };

export function sizeBandOf(employees: number): SizeBand {
  if (employees <= 50) return "1-50";
  if (employees <= 200) return "51-200";
  if (employees <= 1000) return "201-1000";
  return "1000+";
}

/** Company name generator with a uniqueness guarantee (shared by accounts and lead companies). */
export class CompanyNamer {
  private readonly names = new Set<string>();
  private readonly domains = new Set<string>();

  constructor(private readonly rng: Rng) {}

  next(tld = "com"): { name: string; domain: string } {
    const r = this.rng;
    let name = "";
    for (let attempt = 0; attempt < 50 && (name === "" || this.names.has(name)); attempt++) {
      const root = r.pick(COMPANY_ROOTS);
      const body = r.chance(0.6) ? `${root}${r.pick(COMPANY_STEMS)}` : `${root} ${r.pick(COMPANY_ROOTS)}`;
      name = `${body}${r.pick(COMPANY_FORMS)}`;
    }
    for (let n = 2; this.names.has(name); n++) name = `${name.replace(/ \d+$/, "")} ${n}`;
    this.names.add(name);
    const base = name.toLowerCase().replace(/[^a-z0-9]/g, "");
    let domain = `${base}.${tld}`;
    for (let n = 2; this.domains.has(domain); n++) domain = `${base}${n}.${tld}`;
    this.domains.add(domain);
    return { name, domain };
  }
}

function ownerFor(r: Rng, region: Region, employees: number): string {
  const reps = SALES_REPS.filter(([, , , reg]) => reg === region);
  const team = region === "NA" ? (employees > 200 ? "NA Enterprise" : "NA Mid-Market") : region;
  const pool = reps.filter(([, , , , t]) => t === team);
  return r.pick(pool.length > 0 ? pool : reps)[0];
}

/** Accounts with everything later tables need (subscription terms, contact ranges, hidden at-risk cohort). */
export function buildAccounts(ctx: Ctx): AccountModel[] {
  const r = new Rng(ctx.seed, "accounts");
  const namer = new CompanyNamer(r);
  const total = scaled(ctx, BASE_COUNTS.accounts);
  const accounts: AccountModel[] = [];
  const today = ctx.todayDay;
  for (let i = 0; i < total; i++) {
    const region = r.weighted(REGION_WEIGHTS);
    const [, timezone, phonePrefix, tld] = r.weighted(COUNTRIES[region].map((c) => [c, c[4]] as const));
    const employees = Math.min(80_000, Math.max(3, Math.round(r.logNormal(160, 1.5))));
    const sizeBand = sizeBandOf(employees);
    const lifecycle = r.weighted([
      ["customer", 60],
      ["prospect", 30],
      ["churned", 10],
    ] as const);
    let customerSince = -1;
    let churnDay = -1;
    let createdDay: number;
    if (lifecycle === "prospect") {
      createdDay = today - r.int(1, 3 * 365);
    } else {
      customerSince = lifecycle === "customer" ? today - r.int(7, 6 * 365) : today - r.int(400, 6 * 365);
      createdDay = customerSince - r.int(30, 365); // room for a full sales cycle
      if (lifecycle === "churned") {
        let years = 1;
        while (addYears(customerSince, years + 1) < today) years++;
        if (years > 1 && r.chance(0.5)) years--;
        churnDay = addYears(customerSince, years);
      }
    }
    const plan =
      employees <= 50
        ? r.chance(0.8)
          ? "starter"
          : "growth"
        : employees <= 1000
          ? r.chance(0.75)
            ? "growth"
            : "enterprise"
          : r.chance(0.85)
            ? "enterprise"
            : "growth";
    const seats = Math.min(2500, Math.max(5, Math.round(employees * (0.04 + r.next() * 0.21))));
    const { name, domain } = namer.next(tld);
    accounts.push({
      idx: i,
      id: padId("acc", i + 1, total),
      name,
      domain,
      industry: r.pick(INDUSTRIES),
      region,
      timezone,
      phonePrefix,
      sizeBand,
      employees,
      ownerId: ownerFor(r, region, employees),
      lifecycle,
      createdDay,
      customerSince,
      churnDay,
      plan,
      seats,
      contractArr: seats * (PRICE_PER_SEAT[plan] ?? 420),
      atRisk: false,
      contactStart: 0,
      contactCount: 0,
    });
  }
  // Hidden at-risk cohort: ~8% of current customers (never stored, only expressed through the data).
  const customers = accounts.filter((a) => a.lifecycle === "customer");
  const settled = customers.filter((a) => a.customerSince <= today - 150); // old enough to show a decline
  const risky = r.shuffle([...settled]).slice(0, Math.round(customers.length * 0.08));
  for (const a of risky) a.atRisk = true;
  const counts = allocate(
    scaled(ctx, BASE_COUNTS.contacts),
    accounts.map((a) => CONTACT_WEIGHT[a.sizeBand]),
    1,
  );
  let start = 0;
  for (const a of accounts) {
    a.contactStart = start;
    a.contactCount = counts[a.idx] ?? 1;
    start += a.contactCount;
  }
  return accounts;
}

export function contactId(ctx: Ctx, idx: number): string {
  return padId("con", idx + 1, scaled(ctx, BASE_COUNTS.contacts));
}

/** Deterministic per-contact unsubscribe flag (~3%), shared by contacts and campaign touches. */
export function isUnsubscribed(ctx: Ctx, idx: number): boolean {
  return hashString(`${ctx.seed}:unsub:${idx}`) % 1000 < 30;
}

/** Ground truth: ~80% of churned accounts showed the at-risk signals before leaving; the rest left quietly. */
export function churnedLoudly(ctx: Ctx, a: AccountModel): boolean {
  return a.lifecycle === "churned" && hashString(`${ctx.seed}:loud:${a.idx}`) % 10 < 8;
}

/** A random contact of the account, by index. */
export function randomContact(r: Rng, a: AccountModel): number {
  return a.contactStart + Math.floor(r.next() * a.contactCount);
}

export function* userRows(): Generator<unknown[]> {
  for (const [id, name, role, region, team] of SALES_REPS) {
    const [first, last] = name.split(" ") as [string, string];
    yield [id, name, `${emailLocal(first, last)}@northwind-analytics.com`, role, region, team];
  }
}

export function* accountRows(accounts: readonly AccountModel[]): Generator<unknown[]> {
  for (const a of accounts) {
    const country = COUNTRIES[a.region].find((c) => c[1] === a.timezone)?.[0] ?? "";
    const arr = a.lifecycle === "customer" ? a.contractArr : 0;
    const row: unknown[] = [a.id, a.name, a.domain, a.industry, a.employees, a.sizeBand, a.region, country];
    row.push(a.timezone, a.ownerId, arr, a.lifecycle, isoDay(a.createdDay));
    yield row;
  }
}

/** Next anniversary of `since` strictly after `today`. */
export function nextRenewal(since: number, today: number): number {
  let years = 1;
  while (addYears(since, years) <= today) years++;
  return addYears(since, years);
}

/** One subscription term: a year from an anniversary; the last one carries the account's contract ARR. */
export interface Term {
  start: number;
  end: number;
  arr: number;
  seats: number;
}

/** Price change at the k-th renewal: ~30% up, ~45% flat, ~25% down (hash-seeded, so deals and terms agree). */
function renewalChange(ctx: Ctx, a: AccountModel, k: number): number {
  const u = (hashString(`${ctx.seed}:renewal:${a.idx}:${k}`) % 10_000) / 10_000;
  const v = (hashString(`${ctx.seed}:uplift:${a.idx}:${k}`) % 10_000) / 10_000;
  if (u < 0.3) return 1.03 + v * 0.17;
  if (u < 0.75) return 0.98 + v * 0.04;
  return 0.85 + v * 0.12;
}

/** Every term of a customer (the last is current) or churned account (the last was cancelled); none for prospects. */
export function subscriptionTerms(ctx: Ctx, a: AccountModel): Term[] {
  if (a.lifecycle === "prospect") return [];
  const last = a.lifecycle === "churned" ? a.churnDay : nextRenewal(a.customerSince, ctx.todayDay);
  let years = 1;
  while (addYears(a.customerSince, years) < last) years++;
  const terms: Term[] = [];
  let arr = a.contractArr;
  let seats = a.seats;
  for (let j = years - 1; j >= 0; j--) {
    terms.push({ start: addYears(a.customerSince, j), end: addYears(a.customerSince, j + 1), arr, seats });
    const change = renewalChange(ctx, a, j);
    arr = Math.max(500, Math.round(arr / change));
    seats = Math.max(5, Math.round(seats / change));
  }
  return terms.reverse();
}

export function* subscriptionRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  let n = 0;
  const width = accounts.length * 3;
  for (const a of accounts) {
    const terms = subscriptionTerms(ctx, a);
    for (const [k, t] of terms.entries()) {
      if (t.end < ctx.windowStart) continue; // renewal outcomes are kept for the 8-quarter window
      const current = k === terms.length - 1;
      const status = !current ? "renewed" : a.lifecycle === "customer" ? "active" : "cancelled";
      const row = [padId("sub", ++n, width), a.id, a.plan, t.seats, t.arr, isoDay(t.start), isoDay(t.end)];
      row.push(status);
      yield row;
    }
  }
}

export function* contactRows(ctx: Ctx, accounts: readonly AccountModel[]): Generator<unknown[]> {
  const r = new Rng(ctx.seed, "contacts");
  const titleWeights = TITLES.map((t) => [t, t[2]] as const);
  for (const a of accounts) {
    const used = new Set<string>();
    const zones = COUNTRIES[a.region];
    for (let k = 0; k < a.contactCount; k++) {
      const idx = a.contactStart + k;
      const first = r.pick(FIRST_NAMES);
      const last = r.pick(LAST_NAMES);
      const [title, seniority] = k === 0 ? r.pick(TITLES.filter((t) => t[1] <= 3)) : r.weighted(titleWeights);
      let local = emailLocal(first, last);
      for (let n = 2; used.has(local); n++) local = `${emailLocal(first, last)}${n}`;
      used.add(local);
      const phone = `${a.phonePrefix} ${r.int(200, 989)} 555 ${String(r.int(0, 9999)).padStart(4, "0")}`;
      const tz = r.chance(0.9) ? a.timezone : r.pick(zones)[1];
      const created = a.createdDay + Math.floor(r.next() * Math.max(1, ctx.todayDay - a.createdDay));
      const email = `${local}@${a.domain}`;
      const unsub = isUnsubscribed(ctx, idx) ? 1 : 0;
      const row: unknown[] = [
        contactId(ctx, idx),
        a.id,
        first,
        last,
        `${first} ${last}`,
        title,
        seniority,
        email,
      ];
      row.push(phone, tz, unsub, isoDay(created));
      yield row;
    }
  }
}
