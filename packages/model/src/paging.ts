export interface Page<T> {
  rows: T[];
  total: number;
  nextCursor: string | null;
}
