import { describe, expect, it } from "vitest";
import { isFullId, matchesId } from "../../../core/reference/index.ts";

const id = "8dd4b1f0b6b3d52ad0b37a3da3ff14a78fc6b16fc4eb3b09c28d69c3e6e1e5de";

describe("matchesId", () => {
  it("matches the full ID and any non-empty prefix, with or without sha256:", () => {
    expect(matchesId(id, id)).toBe(true);
    expect(matchesId(id, "8dd4")).toBe(true);
    expect(matchesId(id, "sha256:8dd4b1")).toBe(true);
    expect(matchesId(`sha256:${id}`, "8dd4b1")).toBe(true);
  });
  it("takes the full ID first and the prefix second (the seed had them reversed)", () => {
    expect(matchesId("8dd4", id)).toBe(false);
  });
  it("refuses empty, non-prefix and non-hex input", () => {
    expect(matchesId(id, "")).toBe(false);
    expect(matchesId(id, "sha256:")).toBe(false);
    expect(matchesId(id, "dd4b")).toBe(false);
    expect(matchesId(id, "8DD4")).toBe(false);
    expect(matchesId(id, "8dd4*")).toBe(false);
    expect(matchesId(id, `${id}0`)).toBe(false);
  });
  it("knows a full ID", () => {
    expect(isFullId(id)).toBe(true);
    expect(isFullId(`sha256:${id}`)).toBe(true);
    expect(isFullId(id.slice(1))).toBe(false);
  });
});
