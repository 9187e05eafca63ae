/**
 * podman's default tables and `ps`'s templates, against podman 4.3 on the same
 * images (saved by berth, loaded by podman) and containers made the same way
 * in both: the same text, headers and alignment.
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
const b = (...args: string[]) => berth(args, { env });
const podmanHome = join(root, "podman");
const p = (...args: string[]) => podman(podmanHome, args);

beforeAll(async () => {
  mkdirSync(podmanHome, { recursive: true });
  for (const [name, changes] of [
    ["app", ["--change", "LABEL tier=front"]],
    ["zeta:old", []],
  ] as Array<[string, string[]]>) {
    const tar = join(root, `${name.replace(/[/:]/g, "_")}.tar`);
    writeFileSync(tar, await smallRootfs(`image ${name}`));
    expect(b("import", "-q", ...changes, tar, name).status).toBe(0);
  }
  const archive = join(root, "all.tar");
  expect(b("save", "-m", "-o", archive, "app", "zeta:old").status).toBe(0);
  expect((await p("load", "-q", "-i", archive)).status).toBe(0);
  // The same containers in both, oldest first: a long command, a short one.
  for (const args of [
    ["--name", "web", "app", "/bin/sh", "-c", "echo a long command here"],
    ["--name", "plain", "zeta:old", "/bin/true"],
  ]) {
    expect(b("create", ...args).status).toBe(0);
    expect((await p("create", "-q", ...args)).status).toBe(0);
  }
}, 120_000);

describe("ps", () => {
  it.each([
    "table {{.Image}} {{.Command}} {{.Status}} {{.Ports}} {{.Names}}",
    "{{.Names}}|{{.Command}}|{{.State}}|{{.Labels}}|{{.Labels.tier}}|{{.Pod}}|{{.IsInfra}}|{{.ExitCode}}|{{.AutoRemove}}",
    "table {{.Names}}\\t{{.Image}}\\t{{.Mounts}}",
    "{{.Names}} {{len .ID}} {{len .ImageID}} {{upper .Names}}",
  ])("renders %s as podman does", async (format) => {
    const ours = b("ps", "-a", "--format", format);
    expect([ours.status, ours.stderr]).toEqual([0, ""]);
    expect(ours.stdout).toBe((await p("ps", "-a", "--format", format)).stdout);
  });

  it("prints the default table as podman does: its columns, headers and alignment", async () => {
    // IDs are random in both and the CREATED column is a relative time: both are compared for shape only.
    const shape = (text: string) => text.replace(/^[0-9a-f]{12}(?= )/gm, "<id>").replace(/(Less than a second|\d+ seconds?) ago/g, "<created>   ");
    const ours = b("ps", "-a");
    expect(ours.status).toBe(0);
    const columns = (text: string) => (text.split("\n")[0] ?? "").split(/  +/);
    expect(columns(ours.stdout)).toEqual(["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]);
    expect(columns(ours.stdout)).toEqual(columns((await p("ps", "-a")).stdout));
    expect(shape(ours.stdout).split("\n").map((l) => l.replace(/ +/g, " "))).toEqual(shape((await p("ps", "-a")).stdout).split("\n").map((l) => l.replace(/ +/g, " ")));
  });

  it("takes --no-trunc, -n, --noheading and --sort as podman does", async () => {
    for (const args of [["--no-trunc", "--format", "{{.Command}} {{len .ID}}"], ["-n", "1", "--format", "{{.Names}}"], ["--sort", "names", "--format", "{{.Names}}"], ["--sort", "command", "--noheading", "--format", "table {{.Names}}"]]) {
      expect(b("ps", "-a", ...args).stdout).toBe((await p("ps", "-a", ...args)).stdout);
    }
    expect(b("ps", "-q").stdout).toMatch(/^([0-9a-f]{12}\n){2}$/);
  });

  it("prints --format json key for key as podman does", async () => {
    type Doc = Record<string, unknown>;
    const ours = JSON.parse(b("ps", "-a", "--format", "json").stdout) as Doc[];
    const theirs = JSON.parse((await p("ps", "-a", "--format", "json")).stdout) as Doc[];
    expect(ours.map((d) => Object.keys(d))).toEqual(theirs.map((d) => Object.keys(d)));
    // berth joins no network: podman names its default one.
    const same = ({ Command, Image, Labels, Names, State, Status, Exited, ExitCode, ExitedAt, StartedAt, Pid, Ports, Size }: Doc) => ({ Command, Image, Labels, Names, State, Status, Exited, ExitCode, ExitedAt, StartedAt, Pid, Ports, Size });
    expect(ours.map(same)).toEqual(theirs.map(same));
  });
});

describe("default tables", () => {
  it("history prints podman's table, byte for byte", async () => {
    for (const args of [["--human=false"], ["-H=false", "--no-trunc"], ["-q", "--no-trunc"], ["-q"]]) {
      const ours = b("history", ...args, "app");
      expect([ours.status, ours.stderr]).toEqual([0, ""]);
      expect(ours.stdout).toBe((await p("history", ...args, "app")).stdout);
    }
    expect(b("history", "app").stdout.split("\n")[0]).toBe((await p("history", "app")).stdout.split("\n")[0]);
  });

  it("images prints podman's header and columns", async () => {
    expect(b("images").stdout.split("\n")[0]).toBe((await p("images")).stdout.split("\n")[0]);
    expect(b("images", "--digests").stdout.split("\n")[0]).toBe((await p("images", "--digests")).stdout.split("\n")[0]);
    // Sizes differ (podman counts unpacked storage): everything left of them is the same.
    const left = (text: string) => text.split("\n").map((l) => l.replace(/ +[0-9.]+ [kMG]?B$/, "").replace(/(Less than a second|\d+ seconds?) ago$/, "").trimEnd());
    expect(left(b("images", "--noheading", "--sort", "repository").stdout)).toEqual(left((await p("images", "--noheading", "--sort", "repository")).stdout));
  });
});
