/**
 * Exit codes as podman 4.3 gives them, case by case, on the same store
 * contents: 0, 1 where podman gives 1 (rmi and rm of what is not there, the
 * exists commands), 125 for every other failure, usage errors included.
 * Deliberate differences are listed, not compared.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const podmanHome = join(root, "podman");
const tar = join(root, "app.tar");

/** The same command line to both; each case runs on a store holding `localhost/app:latest` and `localhost/spare:latest`. */
const cases: ReadonlyArray<readonly string[]> = [
  ["images"],
  ["inspect", "app"],
  ["history", "app"],
  ["image", "exists", "app"],
  ["image", "exists", "nosuch"],
  ["manifest", "exists", "nosuch"],
  ["tag", "nosuch", "x"],
  ["tag", "app"],
  ["untag", "nosuch"],
  ["history", "nosuch"],
  ["inspect", "nosuch"],
  ["inspect", "app", "nosuch"],
  ["push", "nosuch", "127.0.0.1:1/x"],
  ["save", "-o", join(root, "never.tar"), "nosuch"],
  ["load", "-i", join(root, "nosuch.tar")],
  ["import", join(root, "nosuch.tar")],
  ["pull", "127.0.0.1:1/x/y:1"],
  ["rmi", "nosuch"],
  ["rmi", "-f", "nosuch"],
  ["rmi", "spare", "nosuch"],
  ["rm", "nosuch"],
  ["mount", "nosuch"],
  ["manifest", "rm", "nosuch"],
  ["logout", "127.0.0.1:1"],
  ["nosuchcommand"],
  ["images", "--nosuchflag"],
  ["images", "--format", "{{.Nosuch}}"],
  ["images", "--sort", "nosuch"],
];

beforeAll(async () => {
  mkdirSync(podmanHome, { recursive: true });
  writeFileSync(tar, await smallRootfs("exit codes"));
}, 60_000);

describe("exit codes", () => {
  it.each(cases.map((c) => [c.join(" "), c] as const))("%s exits as podman does", async (_shown, args) => {
    // Fresh stores for each case: a case that removes something cannot change the next.
    const store = join(root, `s-${Math.random().toString(36).slice(2)}`);
    const e = { ...env, BERTH_ROOT: store };
    for (const name of ["app", "spare"]) expect(berth(["import", "-q", tar, name], { env: e }).status).toBe(0);
    const home = join(root, `p-${Math.random().toString(36).slice(2)}`);
    mkdirSync(home, { recursive: true });
    for (const name of ["app", "spare"]) expect((await podman(home, ["import", "-q", tar, `localhost/${name}`])).status).toBe(0);
    const theirs = await podman(home, args);
    const ours = berth(args, { env: e });
    expect(ours.status).toBe(theirs.status);
  });
});
