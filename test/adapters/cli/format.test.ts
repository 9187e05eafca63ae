/** Relative times as go-units' HumanDuration words them (podman's CREATED column and {{.Created}}). */
import { describe, expect, it } from "vitest";
import { humanAgo } from "../../../adapters/cli/format.ts";

const ago = (seconds: number): string => humanAgo(0, seconds * 1000);

describe("humanAgo", () => {
  it("says what go-units says, never '1 minutes'", () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [0.5, "Less than a second ago"],
      [1, "1 second ago"],
      [59.9, "59 seconds ago"],
      [60, "About a minute ago"],
      [119, "About a minute ago"],
      [120, "2 minutes ago"],
      [3599, "59 minutes ago"],
      [3600, "About an hour ago"],
      [5399, "About an hour ago"],
      [5400, "2 hours ago"],
      [47 * 3600 + 1799, "47 hours ago"],
      [48 * 3600, "2 days ago"],
      [13 * 86400, "13 days ago"],
      [14 * 86400, "2 weeks ago"],
      [59 * 86400, "8 weeks ago"],
      [60 * 86400, "2 months ago"],
      [729 * 86400, "24 months ago"],
      [730 * 86400, "2 years ago"],
    ];
    for (const [s, text] of cases) expect([s, ago(s)]).toEqual([s, text]);
  });
});
