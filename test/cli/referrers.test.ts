/**
 * `copy --referrers` and `sync --referrers` against the real registry, which
 * has no OCI 1.1 referrers API: what refers to an image (a signature, and an
 * attestation with a signature of its own) is found through the referrers tag
 * schema, copied by digest, and listed under the destination's referrers tag.
 * skopeo copies no referrers; berth without the flag copies none either.
 * A proxy that answers the referrers API in front of each registry stands in
 * for registries that have it: then the API's list is what is copied, and the
 * destination's tag is left alone.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy } from "../peers/fault-proxy.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { noise, writeLayout } from "../layouts.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthAsync } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });
let source: Registry;
let target: Registry;
let subject = { digest: "", size: 0 };
const referrers: string[] = [];

const sha256 = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const manifestAccept = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/** Puts a blob into a repository with a monolithic upload. */
const putBlob = async (host: string, repo: string, bytes: Buffer): Promise<{ digest: string; size: number }> => {
  const digest = sha256(bytes);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  const location = new URL(start.headers.get("location") ?? "", `http://${host}`);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream" } });
  expect(put.status).toBe(201);
  return { digest, size: bytes.byteLength };
};

/** Pushes an artifact whose subject is `of`, and lists it under `of`'s referrers tag, as a client for a registry without the API does. */
const pushReferrer = async (host: string, repo: string, of: { digest: string; size: number }, artifactType: string, payload: string): Promise<{ digest: string; size: number }> => {
  const config = await putBlob(host, repo, Buffer.from("{}"));
  const layer = await putBlob(host, repo, Buffer.from(payload));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType,
    config: { mediaType: "application/vnd.oci.empty.v1+json", ...config },
    layers: [{ mediaType: `${artifactType}.payload`, ...layer }],
    subject: { mediaType: "application/vnd.oci.image.manifest.v1+json", ...of },
  });
  const digest = sha256(manifest);
  expect((await fetch(`http://${host}/v2/${repo}/manifests/${digest}`, { method: "PUT", body: manifest, headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" } })).status).toBe(201);
  const tag = of.digest.replace(":", "-");
  const existing = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { headers: { accept: "application/vnd.oci.image.index.v1+json" } });
  const listed = existing.status === 200 ? ((await existing.json()) as { manifests: unknown[] }).manifests : [];
  const index = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [...listed, { mediaType: "application/vnd.oci.image.manifest.v1+json", digest, size: Buffer.byteLength(manifest), artifactType }] });
  expect((await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: "PUT", body: index, headers: { "content-type": "application/vnd.oci.image.index.v1+json" } })).status).toBe(201);
  return { digest, size: Buffer.byteLength(manifest) };
};

/** The digests a registry's referrers tag lists for `of`, or none. */
const listedUnder = async (host: string, repo: string, of: string): Promise<string[]> => {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${of.replace(":", "-")}`, { headers: { accept: "application/vnd.oci.image.index.v1+json" } });
  return r.status === 200 ? ((await r.json()) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest) : [];
};
const has = async (host: string, repo: string, digest: string): Promise<boolean> => (await fetch(`http://${host}/v2/${repo}/manifests/${digest}`, { method: "HEAD", headers: { accept: manifestAccept } })).status === 200;

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  source = await startRegistry(join(root, "source"));
  target = await startRegistry(join(root, "target"));
  const layout = join(root, "layout");
  writeLayout(layout, [{ name: "app", layers: [noise(8192, 1)], gzip: true }]);
  expect(spawnSync("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:app`, `docker://${source.host}/team/app:1`]).status).toBe(0);
  const m = await fetch(`http://${source.host}/v2/team/app/manifests/1`, { headers: { accept: manifestAccept } });
  const bytes = Buffer.from(await m.arrayBuffer());
  subject = { digest: sha256(bytes), size: bytes.byteLength };
  const signature = await pushReferrer(source.host, "team/app", subject, "application/vnd.example.signature", "signed\n");
  const attestation = await pushReferrer(source.host, "team/app", subject, "application/vnd.example.sbom", "sbom\n");
  const countersigned = await pushReferrer(source.host, "team/app", attestation, "application/vnd.example.signature", "signed sbom\n");
  referrers.push(signature.digest, attestation.digest, countersigned.digest);
}, 60_000);
afterAll(async () => {
  await source.stop();
  await target.stop();
});

describe("referrers", () => {
  it("are left behind by a plain copy, as skopeo leaves them", async () => {
    expect(b("copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${source.host}/team/app:1`, `docker://${target.host}/plain/app:1`).status).toBe(0);
    expect(await listedUnder(target.host, "plain/app", subject.digest)).toEqual([]);
  });

  it("are copied by digest with --referrers, referrers of referrers too, and listed under the destination's referrers tags", async () => {
    const r = b("copy", "-q", "--referrers", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${source.host}/team/app:1`, `docker://${target.host}/with/app:1`);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    for (const d of referrers) expect(await has(target.host, "with/app", d)).toBe(true);
    expect(await listedUnder(target.host, "with/app", subject.digest)).toEqual(referrers.slice(0, 2));
    expect(await listedUnder(target.host, "with/app", referrers[1] ?? "")).toEqual([referrers[2]]);
    // Again: nothing is listed twice.
    expect(b("copy", "-q", "--referrers", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${source.host}/team/app:1`, `docker://${target.host}/with/app:1`).status).toBe(0);
    expect(await listedUnder(target.host, "with/app", subject.digest)).toEqual(referrers.slice(0, 2));
  });

  it("are copied by sync --referrers", async () => {
    const r = b("sync", "-q", "--src", "docker", "--dest", "docker", "--referrers", "--src-tls-verify=false", "--dest-tls-verify=false", `${source.host}/team/app`, `${target.host}/synced`);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(await listedUnder(target.host, "synced/app", subject.digest)).toEqual(referrers.slice(0, 2));
    for (const d of referrers) expect(await has(target.host, "synced/app", d)).toBe(true);
  });

  it("come from the referrers API where a registry has one, and are not tagged where the destination has it", async () => {
    const withApi = await startRegistry(join(root, "with-api"), "  relativeurls: true");
    const from = await startFaultProxy(source.host);
    const to = await startFaultProxy(withApi.host);
    try {
      // The API lists only the attestation: the signature that only the tag lists is not copied.
      const listed = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: referrers[1], size: 1, artifactType: "application/vnd.example.sbom" }] });
      from.faults.push({ kind: "serve", path: new RegExp(`/referrers/${subject.digest}$`), contentType: "application/vnd.oci.image.index.v1+json", body: listed, times: 1 });
      to.faults.push({ kind: "serve", path: /\/referrers\//, contentType: "application/vnd.oci.image.index.v1+json", body: '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}', times: 10 });
      const r = await berthAsync(["copy", "-q", "--referrers", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${from.host}/team/app:1`, `docker://${to.host}/api/app:1`], { env });
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect([await has(withApi.host, "api/app", referrers[0] ?? ""), await has(withApi.host, "api/app", referrers[1] ?? ""), await has(withApi.host, "api/app", referrers[2] ?? "")]).toEqual([false, true, true]);
      expect(await listedUnder(withApi.host, "api/app", subject.digest)).toEqual([]);
      expect(to.seen.some((s) => s.method === "PUT" && s.path.includes(subject.digest.replace(":", "-")))).toBe(false);
    } finally {
      await from.stop();
      await to.stop();
      await withApi.stop();
    }
  });

  it("are copied only between registries, and never with a changed digest", () => {
    const out = b("copy", "-q", "--referrers", "--src-tls-verify=false", `docker://${source.host}/team/app:1`, `oci:${join(root, "layout-out")}:app`);
    expect([out.status, out.stderr]).toEqual([1, "Error: --referrers copies between registries only (docker:// to docker://)\n"]);
    const changed = b("copy", "-q", "--referrers", "--dest-compress-format", "zstd", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${source.host}/team/app:1`, `docker://${target.host}/zstd/app:1`);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/^Error: .*would change the manifest's digest, and --preserve-digests forbids that \(--referrers keeps digests\)\n$/);
  });
});
