/**
 * podman's image and container housekeeping as its users and its own test
 * setups script it, run with podman 4.3.1 (vfs, temp root) and with berth on
 * the same store contents: the same exit codes, and the same essential
 * output (names, IDs, what was removed; stdout compared after IDs that are
 * random in each, such as container IDs, are masked).
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
const tars = { app: join(root, "app.tar"), spare: join(root, "spare.tar") };

/** One invocation on a store holding `localhost/app:latest`, `localhost/spare:latest` and a container `web` of app. */
interface Case {
  readonly args: ReadonlyArray<string>;
  /** Compare standard output too (after masking container IDs and relative times). */
  readonly output?: boolean;
}

const FILE = join(root, "FILE");
const cases: ReadonlyArray<Case> = [
  // container housekeeping, as podman's test setups run it
  { args: ["rm", "-t", "0", "--all", "--force", "--ignore"], output: true },
  { args: ["rm", "-f", "nosuch"], output: true },
  { args: ["rm", "--ignore", "nosuch"], output: true },
  { args: ["rm", "nosuch"] },
  { args: ["rm", "-t", "0", "web"] },
  { args: ["rm", "-f", "-t", "0", "web"], output: true },
  { args: ["rm", "--all"], output: true },
  { args: ["container", "rm", "web"], output: true },
  { args: ["container", "exists", "web"], output: true },
  { args: ["container", "exists", "nosuch"], output: true },
  { args: ["container", "ls", "-a", "--format", "{{.Names}} {{.Image}}"], output: true },
  { args: ["container", "list", "-a", "--format", "{{.Names}}"], output: true },
  { args: ["ps", "-a", "--format", "{{.Names}} {{.Status}}"], output: true },
  { args: ["ps", "-a", "-q", "--format", "{{.Names}}"], output: true },
  // image aliases
  { args: ["image", "ls", "--sort", "repository", "--format", "{{.Repository}}:{{.Tag}}"], output: true },
  { args: ["image", "list", "--sort", "repository", "--noheading", "--format", "table {{.Repository}}"], output: true },
  { args: ["image", "tag", "app", "extra:1"], output: true },
  { args: ["image", "untag", "spare"], output: true },
  { args: ["image", "rm", "spare"], output: true },
  { args: ["image", "rm", "--force", "nosuch"], output: true },
  { args: ["image", "rm", "nosuch"] },
  { args: ["image", "history", "--format", "{{.CreatedBy}}", "app"], output: true },
  { args: ["image", "inspect", "--format", "{{.Id}}", "app"], output: true },
  { args: ["image", "exists", "app"], output: true },
  { args: ["image", "exists", "nosuch"], output: true },
  { args: ["image", "save", "-o", FILE, "app"], output: true },
  { args: ["image", "import", "-q", join(root, "app.tar"), "imported"] },
  { args: ["image", "load", "-i", join(root, "nosuch.tar")] },
  { args: ["image", "tree", "nosuch"] },
  { args: ["image", "tree", "app"], output: true },
  { args: ["image", "prune", "-f"], output: true },
  // global flags
  { args: ["--noout", "images"], output: true },
  { args: ["--noout", "image", "rm", "spare"], output: true },
  // save and load edge cases
  { args: ["save", "--uncompressed", "--format", "oci-dir", "-o", FILE, "app"], output: true },
  { args: ["save", "--format", "docker-dir", "-o", FILE, "app"], output: true },
  { args: ["save", "--format", "nosuch", "-o", FILE, "app"] },
  { args: ["save", "-o", FILE, "nosuch"] },
  { args: ["load", "-i", join(root, "junk.tar")] },
  { args: ["load", "-i", root] },
  // trust
  { args: ["image", "trust", "show", "--policypath", join(root, "nosuch.json")] },
  { args: ["image", "trust", "set", "--policypath", join(root, "policy.json"), "--type", "reject", "default"], output: true },
  { args: ["image", "trust", "set", "--policypath", join(root, "policy.json"), "--type", "nosuch", "default"] },
  // removal rules
  { args: ["rmi", "app"] },
  { args: ["rmi", "-f", "app"] },
  { args: ["rmi", "-a", "-f"] },
];

/** What may differ between two runs that did the same: container IDs (random), relative times, temp paths. */
const masked = (text: string): string =>
  text
    .replace(/\b[0-9a-f]{64}\b/g, "<id>")
    .replace(/\b[0-9a-f]{12}\b/g, "<id>")
    .replace(/(Less than a second|\d+ seconds?) ago/g, "<ago>")
    // image tree's image size: podman counts its storage's bookkeeping too (the layer sizes agree).
    .replace(/^Size: +\S+$/m, "Size:")
    .split(root)
    .join("<root>");

beforeAll(async () => {
  // Two different images: the same tarball imported twice in one second is one image to podman.
  for (const [name, file] of Object.entries(tars)) writeFileSync(file, await smallRootfs(`podman surface ${name}`));
  writeFileSync(join(root, "junk.tar"), "this is no archive\n");
}, 60_000);

let n = 0;
describe("podman's image commands, against podman 4.3.1", () => {
  it.each(cases.map((c) => [c.args.join(" "), c] as const))("%s", async (_shown, c) => {
    n++;
    const e = { ...env, BERTH_ROOT: join(root, `s-${n}`) };
    const home = join(root, `p-${n}`);
    mkdirSync(home, { recursive: true });
    for (const [name, file] of Object.entries(tars)) {
      expect(berth(["import", "-q", file, name], { env: e }).status).toBe(0);
      expect((await podman(home, ["import", "-q", file, `localhost/${name}`])).status).toBe(0);
    }
    expect(berth(["create", "--name", "web", "app", "/bin/true"], { env: e }).status).toBe(0);
    expect((await podman(home, ["create", "-q", "--name", "web", "localhost/app", "/bin/true"])).status).toBe(0);
    // Each writes to a path of its own.
    const own = (who: string) => c.args.map((a) => (a === FILE ? join(root, `${who}-${n}.out`) : a));
    const theirs = await podman(home, own("podman"));
    const ours = berth(own("berth"), { env: e });
    expect({ status: ours.status, stderrLines: ours.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Try ")).length > 1 }).toEqual({ status: theirs.status, stderrLines: false });
    if (c.output === true) expect(masked(ours.stdout).replace(/berth-\d+/g, "x")).toBe(masked(theirs.stdout).replace(/podman-\d+/g, "x"));
  });
});
