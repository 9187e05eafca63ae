import { spawnSync } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gzip, smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthBin } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
const tarball = async (name: string, marker: string) => {
  const p = join(root, name);
  writeFileSync(p, await smallRootfs(marker));
  return p;
};
const names = () => (JSON.parse(b("images", "--format", "json").stdout) as { Names: string[]; Id: string }[]).map((i) => i.Names);

describe("store commands", () => {
  it("imports, lists, tags, inspects and shows history", async () => {
    const one = b("import", "-c", "LABEL tier=front", "-m", "first import", await tarball("one.tar", "one"), "one");
    expect(one.status).toBe(0);
    expect(one.stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/);
    const id = one.stdout.trim().slice(7);
    expect(b("tag", "one", "quay.io/team/one:2", "two").status).toBe(0);
    expect(names()).toEqual([["localhost/one:latest", "quay.io/team/one:2", "localhost/two:latest"]]);
    const table = b("images").stdout.split("\n");
    expect(table[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(table[1]).toMatch(new RegExp(`^localhost/one\\s+latest\\s+${id.slice(0, 12)}\\s+(Less than a second|\\d+ seconds) ago\\s+[\\d.]+ kB$`));
    expect(b("images", "-q").stdout).toBe(`${id.slice(0, 12)}\n`);
    expect(b("images", "--filter", "label=tier=front", "--format", "json").stdout).toContain(`"Id": "${id}"`);
    // podman's header over no rows: every column at least 12 wide.
    expect(b("images", "nothing*").stdout).toBe("REPOSITORY  TAG         IMAGE ID    CREATED     SIZE\n");
    const inspected = JSON.parse(b("inspect", "two").stdout) as Array<Record<string, unknown>>;
    expect(inspected[0]).toMatchObject({
      Id: id,
      RepoTags: ["localhost/one:latest", "quay.io/team/one:2", "localhost/two:latest"],
      Labels: { tier: "front" },
      Os: "linux",
      Comment: "first import",
      ManifestType: "application/vnd.oci.image.manifest.v1+json",
    });
    const history = JSON.parse(b("history", "--format", "json", "one").stdout) as Array<Record<string, unknown>>;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id, comment: "first import", tags: ["localhost/one:latest", "quay.io/team/one:2", "localhost/two:latest"] });
  });

  it("imports a gzip tarball from standard input", async () => {
    const r = berth(["import", "-", "from-stdin"], { env, input: gzip(await smallRootfs("piped")) });
    expect(r.status).toBe(0);
    expect(names()).toContainEqual(["localhost/from-stdin:latest"]);
    expect(b("rmi", "from-stdin").status).toBe(0);
  });

  it("untags one name, or all, and explains a name the image lacks", () => {
    expect(b("untag", "one", "two").status).toBe(0);
    expect(names()).toEqual([["localhost/one:latest", "quay.io/team/one:2"]]);
    const missing = b("untag", "one", "three");
    expect([missing.status, missing.stderr]).toEqual([125, expect.stringMatching(/^Error: image [a-f0-9]{12} is not tagged with "localhost\/three:latest"\n$/)]);
    expect(b("untag", "quay.io/team/one:2").status).toBe(0);
    expect(names()).toEqual([[]]);
    expect(b("tag", b("images", "-q").stdout.trim(), "one").status).toBe(0);
  });

  it("removes as podman does: one of several names untags; exit 1 for unknown; by ID needs force", async () => {
    await tarball("two.tar", "two");
    expect(b("import", "-q", join(root, "two.tar"), "second").status).toBe(0);
    expect(b("tag", "second", "second:extra").status).toBe(0);
    const untag = b("rmi", "second:extra");
    expect([untag.status, untag.stdout]).toEqual([0, "Untagged: localhost/second:extra\n"]);
    const unknown = b("rmi", "nosuchimage");
    expect([unknown.status, unknown.stderr]).toEqual([1, "Error: nosuchimage: image not known\n"]);
    expect(b("rmi", "--ignore", "nosuchimage").status).toBe(0);
    expect(b("tag", "second", "second:extra").status).toBe(0);
    const id = (JSON.parse(b("images", "second", "--format", "json").stdout) as { Id: string }[])[0]?.Id ?? "";
    const byId = b("rmi", id.slice(0, 10));
    expect([byId.status, byId.stderr]).toEqual([125, expect.stringMatching(/^Error: unable to delete image ".*" by ID with more than one tag \(localhost\/second:latest, localhost\/second:extra\): please force removal\n$/)]);
    const plan = JSON.parse(b("rmi", "--dry-run", "-f", id.slice(0, 10)).stdout) as { steps: { kind: string }[]; exitCode: number };
    expect([plan.steps.map((s) => s.kind), plan.exitCode]).toEqual([["delete-image"], 0]);
    expect(names()).toHaveLength(2);
    const forced = b("rmi", "-f", id.slice(0, 10));
    expect([forced.status, forced.stdout]).toEqual([0, `Untagged: localhost/second:latest\nUntagged: localhost/second:extra\nDeleted: ${id}\n`]);
    expect(names()).toEqual([["localhost/one:latest"]]);
    expect(b("check").stdout).toBe("the store is consistent\n");
  });

  it("prunes dangling images only with -f, and refuses to ask without a terminal", async () => {
    expect(b("import", "-q", await tarball("dangling.tar", "dangling")).status).toBe(0);
    expect(names()).toContainEqual([]);
    const noForce = b("image", "prune");
    expect([noForce.status, noForce.stderr]).toEqual([125, "Error: prune removes images without asking only with -f; no terminal to ask on\n"]);
    const pruned = b("image", "prune", "-f");
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toMatch(/^Deleted: [a-f0-9]{64}\n$/);
    expect(names()).toEqual([["localhost/one:latest"]]);
    expect(b("image", "ls", "-q").stdout.trim()).toHaveLength(12);
  });

  it("asks before pruning on a terminal, and takes no for an answer", async () => {
    expect(b("import", "-q", await tarball("asked.tar", "asked")).status).toBe(0);
    // script(1) gives berth a pseudo-terminal, as a person would have.
    const onTerminal = (answer: string) =>
      spawnSync("script", ["-qec", `${process.execPath} ${berthBin} image prune`, "/dev/null"], { input: `${answer}\n`, env: { ...process.env, ...env }, encoding: "utf8" });
    const no = onTerminal("n");
    expect(no.stdout).toContain("Are you sure you want to continue? [y/N]");
    expect(names()).toContainEqual([]);
    const yes = onTerminal("y");
    expect(yes.stdout).toMatch(/Deleted: [a-f0-9]{64}/);
    expect(names()).toEqual([["localhost/one:latest"]]);
  });

  it("reports bad input in one line without a stack trace", async () => {
    const notTar = join(root, "not.tar");
    writeFileSync(notTar, "plain text, not a tarball ".repeat(40));
    const r = b("import", notTar, "x");
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^Error: .*not\.tar: not a tar archive: [^\n]*\n$/);
    expect(b("import", join(root, "missing.tar")).stderr).toBe(`Error: ${join(root, "missing.tar")}: no such file\n`);
    expect(b("images", "--filter", "colour=red").stderr).toMatch(/^Error: invalid filter "colour=red": unknown filter key/);
    expect(b("tag", "one", "Bad Name").stderr).toBe('Error: "Bad Name": invalid reference format\n');
    expect(b("inspect", "nothere").status).toBe(125);
    // Messages that say what to do.
    expect(b("pull", "dir:/nowhere").stderr).toBe("Error: pull takes an image in a registry, not dir: (use berth copy dir:/nowhere store:NAME)\nTry 'berth --help' for more information.\n");
    mkdirSync(join(root, "a-directory"), { recursive: true });
    expect(b("save", "-o", join(root, "a-directory"), "one").stderr).toBe(`Error: ${join(root, "a-directory")}: is a directory; docker-archive writes a file (give a file name)\n`);
    expect(b("--root").status).toBe(125);
    expect(berth(["--root", join(root, "other"), "images", "-q"], { env }).stdout).toBe("");
  });
});
