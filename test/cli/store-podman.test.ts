/**
 * berth's local store behaves like podman's for the same operations: the
 * same tarballs imported with the same names and labels, in the same order,
 * give the same `images --filter` results and the same `rmi` outcomes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const podmanHome = join(root, "podman");
const env = { BERTH_ROOT: join(root, "berth"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };

/**
 * [tarball marker, --change instructions, name or undefined] imported in this order into both stores.
 * One label per LABEL: podman 4.3 reads `LABEL a=1 b=2` as one label `a` = `1 b=2`.
 */
const imports: ReadonlyArray<readonly [string, ReadonlyArray<string>, string | undefined]> = [
  ["base", ["LABEL tier=base"], "base"],
  ["web", ["LABEL tier=front", "LABEL version=2"], "quay.io/team/web:2"],
  ["api", ["LABEL tier=back"], "quay.io/team/api:1"],
  ["junk", ["LABEL tier=none"], undefined],
  ["tool", ["LABEL org.example.tool=yes"], "localhost/tools/tool:0.1"],
];

const both = async (args: string[]) => {
  const p = await podman(podmanHome, args);
  const b = berth(args, { env });
  return { p, b };
};

/** The sorted name lists of the images `images --format json` printed (podman 4.3 repeats an image once per name). */
const namesOf = (json: string): string[][] => {
  const images = JSON.parse(json === "" ? "[]" : json) as { Id: string; Names?: string[] | null }[];
  const unique = images.filter((i, n) => images.findIndex((j) => j.Id === i.Id) === n);
  return unique.map((i) => [...(i.Names ?? [])].sort()).sort((a, b) => (a.join() < b.join() ? -1 : 1));
};

beforeAll(async () => {
  mkdirSync(podmanHome, { recursive: true });
  for (const [marker, changes, name] of imports) {
    const tar = join(root, `${marker}.tar`);
    writeFileSync(tar, await smallRootfs(marker));
    const args = ["import", "-q", ...changes.flatMap((c) => ["--change", c]), tar, ...(name === undefined ? [] : [name])];
    const { p, b } = await both(args);
    expect([p.status, b.status]).toEqual([0, 0]);
    // Creation times must differ for before/since to mean the same in both stores.
    await new Promise((r) => setTimeout(r, 1100));
  }
  const { p, b } = await both(["tag", "quay.io/team/web:2", "web:latest", "quay.io/team/web:latest"]);
  expect([p.status, b.status]).toEqual([0, 0]);
}, 120_000);

// Several filters of one key: podman 4.3 (Debian's) ORs them, podman 5 ANDs them (podman#21803);
// berth ANDs, as podman 5 and docker do, so such cases are tested without the peer.
describe("berth images --filter agrees with podman", () => {
  const filters: ReadonlyArray<ReadonlyArray<string>> = [
    [],
    ["dangling=true"],
    ["dangling=false"],
    ["label=tier"],
    ["label=tier=front"],
    ["label!=tier"],
    ["label=org.example.tool"],
    ["reference=web"],
    ["reference=*/team/*"],
    ["reference=quay.io/team/api:1"],
    ["reference=tool"],
    ["before=quay.io/team/api:1"],
    ["since=quay.io/team/web:2"],
    ["since=base", "before=localhost/tools/tool:0.1"],
    ["until=1h"],
    ["containers=false"],
    ["intermediate=false"],
    ["label=tier", "dangling=false"],
  ];
  it.each(filters.map((f) => [f.join(" ") || "(none)", f] as const))("%s", async (_t, f) => {
    const args = ["images", "--format", "json", ...f.flatMap((x) => ["--filter", x])];
    const { p, b } = await both(args);
    expect(b.status).toBe(p.status);
    expect(namesOf(b.stdout)).toEqual(namesOf(p.stdout));
  });
});

describe("berth rmi agrees with podman", () => {
  it("gives the same outcomes and exit codes for the same sequence", async () => {
    const steps: string[][] = [
      ["rmi", "web"],
      ["rmi", "nosuchimage"],
      ["rmi", "--ignore", "nosuchimage"],
      ["rmi", "quay.io/team/web:latest"],
      ["rmi", "quay.io/team/web:2"],
      ["rmi", "base", "quay.io/team/api:1"],
      ["rmi", "-a"],
    ];
    for (const step of steps) {
      const { p, b } = await both(step);
      expect([step.join(" "), b.status]).toEqual([step.join(" "), p.status]);
      const after = await both(["images", "--format", "json"]);
      expect([step.join(" "), namesOf(after.b.stdout)]).toEqual([step.join(" "), namesOf(after.p.stdout)]);
    }
  });
});
