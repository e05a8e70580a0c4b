import { describe, expect, it } from "vitest";
import { guardConfig } from "./config";
import { highRiskReasons } from "./risk";

const cfg = guardConfig();
const one = { records: [{ id: "bk_000001" }] };

describe("highRiskReasons", () => {
  it("a delete, merge or restore is high risk whatever it touches; a one-record update or create is not", () => {
    for (const action of ["delete", "merge", "restore"])
      expect(highRiskReasons("destructive", { ...one, action }, cfg, "t")).toEqual([`it is a ${action}`]);
    for (const action of ["update", "create"])
      expect(highRiskReasons("destructive", { ...one, action, record_type: "backup" }, cfg, "t")).toEqual([]);
  });

  it("a change to one of our settings is high risk", () => {
    expect(
      highRiskReasons("destructive", { ...one, action: "update", record_type: "setting" }, cfg, "t"),
    ).toEqual(["it changes a setting"]);
  });
});
