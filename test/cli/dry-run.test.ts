/**
 * `--dry-run` on copy, pull and push: the plan printed (in words, or with
 * `--format json` the plan itself: the manifest digest and every blob with
 * its step), and nothing written anywhere.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { makeTar } from "../tarballs.ts";
import { listing, tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
let registry: Registry;
const env = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
let manifestDigest = "";
let blobs: string[] = [];

interface PlanJson {
  readonly source: { readonly digest: string; readonly kind: string };
  readonly instances: ReadonlyArray<{ readonly manifest: { readonly action: string; readonly digest: string }; readonly blobs: ReadonlyArray<{ readonly descriptor: { readonly digest: string }; readonly action: string; readonly from?: { readonly repository: string }; readonly change?: { readonly action: string } }> }>;
  readonly signatures: { readonly action: string };
}

beforeAll(async () => {
  mkdirSync(join(root, "home"), { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  const tar = join(root, "app.tar");
  writeFileSync(tar, await makeTar([{ name: "etc/hello", content: "dry\n" }]));
  const e = env("source");
  expect(berth(["import", "-q", tar, "app"], { env: e }).status).toBe(0);
  expect(berth(["copy", "-q", "--dest-decompress", "--dest-tls-verify=false", "store:app", `docker://${registry.host}/dry/a:1`], { env: e }).status).toBe(0);
  expect(berth(["tag", "app", `${registry.host}/dry/a:1`], { env: e }).status).toBe(0);
  const inspected = JSON.parse(berth(["inspect", "app"], { env: e }).stdout) as { Digest: string; Id: string; RootFS: { Layers: string[] } }[];
  manifestDigest = inspected[0]?.Digest ?? "";
  blobs = [`sha256:${inspected[0]?.Id ?? ""}`, ...(inspected[0]?.RootFS.Layers ?? [])];
}, 60_000);
afterAll(async () => {
  await registry.stop();
});

describe("--dry-run", () => {
  it("prints a copy's plan as JSON and creates no layout", () => {
    const dir = join(root, "layout");
    const r = berth(["copy", "--dry-run", "--format", "json", "--src-tls-verify=false", `docker://${registry.host}/dry/a:1`, `oci:${dir}:a`], { env: env("unused") });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.source).toMatchObject({ digest: manifestDigest, kind: "image" });
    // An OCI layout gets gzipped layers, as skopeo writes one: the manifest is made once the layer is.
    expect(plan.instances[0]?.manifest).toMatchObject({ action: "rewrite", from: manifestDigest });
    expect(plan.instances[0]?.blobs.map((b) => [b.descriptor.digest, b.action, b.change?.action])).toEqual(blobs.map((d, i) => [d, "copy", i === 0 ? undefined : "compress"]));
    expect(existsSync(dir)).toBe(false);
    const words = berth(["copy", "--dry-run", "--src-tls-verify=false", `docker://${registry.host}/dry/a:1`, `oci:${dir}:a`], { env: env("unused") });
    expect(words.stdout.split("\n")).toContain(`  copy config ${blobs[0] ?? ""} (${words.stdout.match(/\((\d+) bytes\)/)?.[1] ?? ""} bytes)`);
    expect(existsSync(dir)).toBe(false);
  });

  it("prints a pull's plan, from the candidate it would use, and leaves the store unmade", () => {
    const e = env("pulled");
    const r = berth(["pull", "--dry-run", "--format", "json", "--tls-verify=false", `${registry.host}/dry/a:1`], { env: e });
    expect([r.status, r.stderr]).toEqual([0, `Trying to pull ${registry.host}/dry/a:1...\n`]);
    const planned = JSON.parse(r.stdout) as { name: string; plan: PlanJson };
    expect(planned.name).toBe(`${registry.host}/dry/a:1`);
    expect(planned.plan.instances[0]?.blobs.map((b) => b.action)).toEqual(["copy", "copy"]);
    expect(existsSync(e.BERTH_ROOT)).toBe(false);
    // Against a store that has the image: every blob is skipped.
    expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/dry/a:1`], { env: e }).status).toBe(0);
    const again = JSON.parse(berth(["pull", "--dry-run", "--format", "json", "--tls-verify=false", `${registry.host}/dry/a:1`], { env: e }).stdout) as { plan: PlanJson };
    expect(again.plan.instances[0]?.blobs.map((b) => b.action)).toEqual(["skip", "skip"]);
  });

  it("prints a push's plan, mounting from the repository the image is known in, and writes nothing to the registry", () => {
    const e = env("source");
    const r = berth(["push", "--dry-run", "--format", "json", "--tls-verify=false", "app", `${registry.host}/dry/b:1`], { env: e });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(plan.instances[0]?.blobs.map((b) => [b.action, b.from?.repository])).toEqual([
      ["mount", "dry/a"],
      ["mount", "dry/a"],
    ]);
    const tags = berth(["tags", "--tls-verify=false", `docker://${registry.host}/dry/b`], { env: e });
    expect(tags.status).toBe(1);
    expect(listing(join(root, "registry/data/docker/registry/v2/repositories/dry"))).toEqual(["a"]);
  });

  it("mounts without asking first, and where a mount fails, asks before uploading", async () => {
    // A store that knows the image in dry/a, pushed once to dry/c: every blob mounted.
    const e = env("stale");
    expect(berth(["pull", "-q", "--tls-verify=false", `${registry.host}/dry/a:1`], { env: e }).status).toBe(0);
    const plan = JSON.parse(berth(["push", "--dry-run", "--format", "json", "--tls-verify=false", `${registry.host}/dry/a:1`, `${registry.host}/dry/c:1`], { env: e }).stdout) as PlanJson;
    expect(plan.instances[0]?.blobs.map((b) => [b.action, b.from?.repository])).toEqual([
      ["mount", "dry/a"],
      ["mount", "dry/a"],
    ]);
    expect(berth(["push", "-q", "--tls-verify=false", `${registry.host}/dry/a:1`, `${registry.host}/dry/c:1`], { env: e }).status).toBe(0);
    // dry/a loses the layer: a second push to dry/c cannot mount it, and finds that dry/c has it instead of uploading it.
    const layer = blobs[1] ?? "";
    const unlinked = await fetch(`http://${registry.host}/v2/dry/a/blobs/${layer}`, { method: "DELETE" });
    expect(unlinked.status).toBe(202);
    const again = berth(["push", "--tls-verify=false", `${registry.host}/dry/a:1`, `${registry.host}/dry/c:2`], { env: e });
    expect([again.status, again.stderr]).toEqual([0, expect.stringContaining(`Copying blob ${layer} skipped: already exists`)]);
    expect((await fetch(`http://${registry.host}/v2/dry/c/manifests/2`, { method: "HEAD", headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).status).toBe(200);
  });
});
