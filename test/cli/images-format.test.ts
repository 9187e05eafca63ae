/**
 * `images --format` with Go templates, `--sort` and `--noheading`, against
 * podman 4.3 on the same images (saved by berth, loaded by podman): the same
 * text for fields, nested fields, maps, ranges, conditions, functions, and
 * tables with podman's headers and alignment.
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
  const images: Array<[string, string[]]> = [
    ["app", ["--change", "LABEL tier=front", "--change", "LABEL team=web"]],
    ["quay.io/team/base:2.1", []],
    ["zeta:old", ["--change", "LABEL tier=back"]],
  ];
  for (const [name, changes] of images) {
    const tar = join(root, `${name.replace(/[/:]/g, "_")}.tar`);
    writeFileSync(tar, await smallRootfs(`image ${name}`));
    expect(b("import", "-q", ...changes, tar, name).status).toBe(0);
  }
  const archive = join(root, "all.tar");
  expect(b("save", "-m", "-o", archive, "app", "quay.io/team/base:2.1", "zeta:old").status).toBe(0);
  expect((await p("load", "-q", "-i", archive)).status).toBe(0);
}, 120_000);

describe("history and inspect --format", () => {
  it.each([
    // Tags are left out: podman 4.3 prints [] where berth names the image on its newest entry.
    ["history", "{{.ID}} {{.CreatedBy}} {{.Comment}} {{.CreatedAt}}"],
    ["history", "table {{.ID}} {{.CreatedBy}} {{.Comment}}"],
    ["inspect", "{{.Id}} {{.Architecture}}/{{.Os}} {{json .RepoTags}} {{.Labels}} {{.Labels.tier}} {{.Labels.none}}"],
    ["inspect", "{{range $k, $v := .Labels}}{{$k}}={{$v}} {{end}}{{.Config.Labels.team}}"],
  ])("%s renders %s as podman does", async (command, format) => {
    const ours = b(command, "--format", format, "app");
    expect([ours.status, ours.stderr]).toEqual([0, ""]);
    expect(ours.stdout).toBe((await p(command, "--format", format, "app")).stdout);
  });
});

describe("history --format json", () => {
  it("prints podman's keys in podman's order, on one line", async () => {
    // berth names the image on its newest entry (tags); podman 4.3 leaves them out.
    const ours = (JSON.parse(b("history", "--format", "json", "app").stdout) as Array<Record<string, unknown>>).map(({ tags: _t, ...rest }) => rest);
    const theirs = JSON.parse((await p("history", "--format", "json", "app")).stdout) as Array<Record<string, unknown>>;
    expect(ours.map((d) => Object.keys(d))).toEqual(theirs.map((d) => Object.keys(d)));
    expect(ours.map(({ id, CreatedBy, comment, Created }) => ({ id, CreatedBy, comment, Created }))).toEqual(theirs.map(({ id, CreatedBy, comment, Created }) => ({ id, CreatedBy, comment, Created })));
    expect(b("history", "--format", "json", "app").stdout.split("\n")).toHaveLength(2);
  });
});

describe("images --format", () => {
  const formats = [
    "{{.ID}}",
    "{{.ID}} {{.Repository}}:{{.Tag}}",
    // Size is left out: podman counts an image's unpacked storage, berth its blobs.
    "{{.Id}}|{{.Containers}}|{{.Dangling}}|{{.ReadOnly}}|{{.Digest | len}}",
    "table {{.ID}}\\t{{.Repository}}\\t{{.Tag}}",
    "table {{.Repository}} {{.Tag}} {{.ID}}",
    "table {{.Tag}} {{.CreatedAt}} {{.Containers}}",
    "{{json .Labels}} {{.Labels}} {{.Labels.tier}} {{index .Labels \"team\"}}",
    "{{.Names}} {{len .Names}} {{range $i, $n := .Names}}[{{$i}}={{$n}}]{{end}}",
    "{{range .RepoTags}}{{.}};{{else}}none{{end}}",
    "{{if eq .Tag \"latest\"}}newest{{else if .Labels.tier}}tier {{.Labels.tier}}{{else}}plain{{end}}",
    "{{with .Labels.team}}team={{.}}{{else}}no team{{end}}",
    "{{printf \"%-28s|%5d|%q\" .Repository .Containers .Tag}}",
    "{{upper .Tag}} {{lower .Repository}} {{truncate .Repository 5}} {{join .Names \", \"}}",
    "{{- .Tag -}}  ,  {{- .Repository }}",
    "{{/* a comment */}}{{.Tag | upper | printf \"<%s>\"}}",
  ];
  it.each(formats)("renders %s as podman does", async (format) => {
    const ours = b("images", "--sort", "repository", "--format", format);
    expect(ours.stderr).toBe("");
    const theirs = await p("images", "--sort", "repository", "--format", format);
    expect(theirs.status).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it.each(["id", "repository", "tag"])("sorts by %s as podman does", async (field) => {
    const format = "{{.Repository}}:{{.Tag}}";
    expect(b("images", "--sort", field, "--format", format).stdout).toBe((await p("images", "--sort", field, "--format", format)).stdout);
  });

  it("prints --format json key for key as podman does", async () => {
    type Doc = Record<string, unknown>;
    const ours = JSON.parse(b("images", "--sort", "repository", "--format", "json").stdout) as Doc[];
    const theirs = JSON.parse((await p("images", "--sort", "repository", "--format", "json")).stdout) as Doc[];
    expect(ours.map((d) => Object.keys(d))).toEqual(theirs.map((d) => Object.keys(d)));
    // Sizes are left out (podman counts unpacked storage, berth blobs), and so are digests (podman's are of the manifest it made on load).
    const same = (d: Doc) => ({ Id: d["Id"], ParentId: d["ParentId"], RepoTags: d["RepoTags"], Labels: d["Labels"], Containers: d["Containers"], Names: d["Names"], Created: d["Created"], CreatedAt: d["CreatedAt"] });
    expect(ours.map(same)).toEqual(theirs.map(same));
  });

  it("leaves the header out with --noheading", async () => {
    const format = "table {{.ID}} {{.Repository}}";
    const ours = b("images", "--noheading", "--sort", "repository", "--format", format);
    expect(ours.stdout).toBe((await p("images", "--noheading", "--sort", "repository", "--format", format)).stdout);
    expect(ours.stdout).not.toContain("IMAGE ID");
    expect(b("images", "--noheading").stdout).not.toContain("REPOSITORY");
  });

  it("refuses what podman refuses, in one line, with podman's exit code", async () => {
    const field = b("images", "--format", "{{.Nosuch}}");
    expect([field.status, field.stdout]).toEqual([125, ""]);
    expect(field.stderr).toMatch(/^Error: template: images: executing at <\.Nosuch>: can't evaluate field Nosuch\n$/);
    expect((await p("images", "--format", "{{.Nosuch}}")).status).toBe(125);
    const sort = b("images", "--sort", "nosuch");
    expect([sort.status, sort.stderr]).toEqual([125, 'Error: "nosuch" is not a valid field for sorting. Choose from: created, id, repository, size, tag\n']);
    const broken = b("images", "--format", "{{.ID");
    expect([broken.status, broken.stderr]).toEqual([125, "Error: template: 1:1: unclosed action\n"]);
  });
});
