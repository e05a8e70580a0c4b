/** Calendar quarters as "YYYY-Qn", the unit revenue teams plan and forecast in. */
export interface Period {
  label: string;
  from: string;
  to: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;

export function quarterOf(isoDate: string): string {
  const [y, m] = isoDate.split("-").map(Number) as [number, number];
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

export function parseQuarter(label: string): Period {
  const match = QUARTER.exec(label);
  if (!match) throw new Error(`Quarter "${label}" is not in the form YYYY-Qn, e.g. 2026-Q4`);
  const year = Number(match[1]);
  const q = Number(match[2]);
  const startMonth = (q - 1) * 3 + 1;
  const end = new Date(Date.UTC(year, startMonth + 2, 0));
  return {
    label,
    from: `${year}-${String(startMonth).padStart(2, "0")}-01`,
    to: end.toISOString().slice(0, 10),
  };
}

export function shiftQuarter(label: string, by: number): string {
  const p = parseQuarter(label);
  const [y, q] = [Number(p.label.slice(0, 4)), Number(p.label.slice(6))];
  const index = y * 4 + (q - 1) + by;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

export const isQuarter = (s: string) => QUARTER.test(s);
