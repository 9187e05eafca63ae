/**
 * Manifest formats and whole indexes: `copy --format` converts as skopeo does
 * (byte for byte), `--preserve-digests` refuses to, and `copy --all` moves an
 * index with every instance and its digest unchanged.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { gzip, smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const home = join(root, "home");
const env = { BERTH_ROOT: join(root, "store"), HOME: home, BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
const skopeo = (...args: string[]) => spawnSync("skopeo", args, { encoding: "utf8", env: { ...process.env, HOME: home } });
const sha = (bytes: Buffer | string) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const layout = join(root, "layout");
let registry: Registry;
let indexDigest = "";

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  // Two platforms of one image in an OCI layout, then an index over them named "multi".
  const entries = [];
  for (const [arch, variant] of [["amd64", undefined], ["arm64", "v8"]] as const) {
    const tar = join(root, `${arch}.tar.gz`);
    writeFileSync(tar, gzip(await smallRootfs(`for ${arch}`)));
    expect(b("import", "-q", "--arch", arch, ...(variant === undefined ? [] : ["--variant", variant]), tar, `img:${arch}`).status).toBe(0);
    expect(b("copy", "-q", `store:img:${arch}`, `oci:${layout}:${arch}`).status).toBe(0);
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: { digest: string; size: number; annotations: Record<string, string> }[] };
    const entry = index.manifests.find((m) => m.annotations["org.opencontainers.image.ref.name"] === arch);
    entries.push({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: entry?.digest,
      size: entry?.size,
      platform: { architecture: arch, os: "linux", ...(variant === undefined ? {} : { variant }) },
    });
  }
  const indexBytes = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: entries });
  indexDigest = sha(indexBytes);
  writeFileSync(join(layout, "blobs/sha256", indexDigest.slice(7)), indexBytes);
  const top = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: unknown[] };
  top.manifests.push({
    mediaType: "application/vnd.oci.image.index.v1+json",
    digest: indexDigest,
    size: Buffer.byteLength(indexBytes),
    annotations: { "org.opencontainers.image.ref.name": "multi" },
  });
  writeFileSync(join(layout, "index.json"), JSON.stringify(top));
});

afterAll(async () => {
  await registry.stop();
});

describe("copy --format", () => {
  it("converts OCI to Docker schema 2 byte for byte as skopeo does", () => {
    const from = `oci:${layout}:amd64`;
    expect(skopeo("copy", "-q", "--format", "v2s2", from, `dir:${join(root, "v2s2-skopeo")}`).status).toBe(0);
    expect(b("copy", "-q", "--format", "v2s2", from, `dir:${join(root, "v2s2-berth")}`).stderr).toBe("");
    const mine = readFileSync(join(root, "v2s2-berth", "manifest.json"), "utf8");
    expect(JSON.parse(mine).mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(mine).toBe(readFileSync(join(root, "v2s2-skopeo", "manifest.json"), "utf8"));
  });

  it("converts Docker schema 2 to OCI as skopeo does, but keeps the config (and so the image ID)", () => {
    // skopeo re-encodes the config through Go's OCI struct (a time like .810Z becomes .81Z),
    // so its config digest can change; berth keeps the config bytes, valid OCI as they are.
    const from = `dir:${join(root, "v2s2-skopeo")}`;
    expect(skopeo("copy", "-q", "--format", "oci", from, `dir:${join(root, "oci-skopeo")}`).status).toBe(0);
    expect(b("copy", "-q", "--format", "oci", from, `dir:${join(root, "oci-berth")}`).stderr).toBe("");
    type M = { mediaType: string; config: { mediaType: string; digest: string }; layers: unknown[] };
    const mine = JSON.parse(readFileSync(join(root, "oci-berth", "manifest.json"), "utf8")) as M;
    const theirs = JSON.parse(readFileSync(join(root, "oci-skopeo", "manifest.json"), "utf8")) as M;
    const source = JSON.parse(readFileSync(join(root, "v2s2-skopeo", "manifest.json"), "utf8")) as M;
    expect(mine.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(mine.config.mediaType).toBe(theirs.config.mediaType);
    expect(mine.config.digest).toBe(source.config.digest);
    expect(mine.layers).toEqual(theirs.layers);
    expect(Object.keys(mine)).toEqual(Object.keys(theirs));
  });

  it("pushes a Docker schema 2 manifest that pulls back as the same image", () => {
    expect(b("push", "-q", "--tls-verify=false", "--format", "v2s2", "img:amd64", `${registry.host}/team/v2s2:1`).status).toBe(0);
    const raw = skopeo("inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/team/v2s2:1`).stdout;
    expect(JSON.parse(raw).mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    const other = { ...env, BERTH_ROOT: join(root, "store-v2s2") };
    const pulled = berth(["pull", "-q", "--tls-verify=false", `${registry.host}/team/v2s2:1`], { env: other });
    expect(pulled.status).toBe(0);
    expect(pulled.stdout.trim()).toBe((JSON.parse(b("inspect", "img:amd64").stdout) as { Id: string }[])[0]?.Id);
  });

  it("refuses to change a digest under --preserve-digests, writing nothing", () => {
    const out = join(root, "preserved");
    const r = b("copy", "-q", "--preserve-digests", "--format", "v2s2", `oci:${layout}:amd64`, `dir:${out}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--preserve-digests forbids that/);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });
});

describe("copy --all", () => {
  it("copies an index with every instance, keeping its digest, both ways through a registry", () => {
    const remote = `docker://${registry.host}/team/all:1`;
    expect(b("copy", "-q", "--all", "--dest-tls-verify=false", `oci:${layout}:multi`, remote).status).toBe(0);
    const raw = skopeo("inspect", "--raw", "--tls-verify=false", remote).stdout;
    expect(sha(raw)).toBe(indexDigest);
    // skopeo can fetch every instance berth pushed.
    expect(skopeo("copy", "-q", "--all", "--src-tls-verify=false", remote, `oci:${join(root, "skopeo-all")}:multi`).status).toBe(0);

    const back = join(root, "back");
    expect(b("copy", "-q", "--all", "--src-tls-verify=false", remote, `oci:${back}:multi`).status).toBe(0);
    const top = JSON.parse(readFileSync(join(back, "index.json"), "utf8")) as { manifests: { digest: string }[] };
    expect(top.manifests.map((m) => m.digest)).toEqual([indexDigest]);
    const arm = skopeo("inspect", "--override-arch", "arm64", "--override-variant", "v8", `oci:${back}:multi`);
    expect(arm.status).toBe(0);
    expect((JSON.parse(arm.stdout) as { Architecture: string }).Architecture).toBe("arm64");
  });

  it("refuses --all into the store, which keeps one image per name", () => {
    const r = b("copy", "-q", "--all", `oci:${layout}:multi`, "store:multi");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("cannot store an image index");
    expect(b("inspect", "multi").status).not.toBe(0);
  });
});
