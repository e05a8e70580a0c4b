import { describe, expect, it } from "vitest";
import { toPgPlaceholders } from "./placeholders";

describe("toPgPlaceholders", () => {
  it("numbers ? in order", () => {
    expect(toPgPlaceholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?)")).toBe(
      "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)",
    );
    expect(toPgPlaceholders("SELECT 1")).toBe("SELECT 1");
  });

  it("leaves ? alone inside literals, identifiers, comments and dollar quotes", () => {
    expect(toPgPlaceholders(`SELECT '?', 'it''s ?', "a?b", ? -- ?\n, ? /* ? */`)).toBe(
      `SELECT '?', 'it''s ?', "a?b", $1 -- ?\n, $2 /* ? */`,
    );
    expect(toPgPlaceholders("SELECT $$ ? $$, $fn$ ? $fn$, ?")).toBe("SELECT $$ ? $$, $fn$ ? $fn$, $1");
    expect(toPgPlaceholders("SELECT a$b$ FROM t WHERE x = ?")).toBe("SELECT a$b$ FROM t WHERE x = $1");
  });

  it("tolerates unterminated literals and comments", () => {
    expect(toPgPlaceholders("SELECT ?, 'open ?")).toBe("SELECT $1, 'open ?");
    expect(toPgPlaceholders("SELECT ? /* open ?")).toBe("SELECT $1 /* open ?");
    expect(toPgPlaceholders("SELECT ? -- ?")).toBe("SELECT $1 -- ?");
    expect(toPgPlaceholders("SELECT ?, $x$ ?")).toBe("SELECT $1, $x$ ?");
  });
});
