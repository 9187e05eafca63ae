/**
 * Sigstore signatures with keys: berth makes key pairs, signs what it pushes
 * (attachments in the registry, as containers/image stores them), and a
 * sigstoreSigned policy accepts exactly the images whose signature verifies
 * with a trusted key, signs this manifest, and claims an accepted identity.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth, berthAsync } from "./berth.ts";

const root = tempDir();
const home = join(root, "home");
const etc = join(root, "etc");
const env = { BERTH_ROOT: join(root, "store"), HOME: home, BERTH_SYSTEM_CONFIG_DIR: etc };
const pass = join(root, "pass");
const registriesD = join(root, "registries.d");
let registry: Registry;
let n = 0;
const policy = (requirement: Record<string, unknown>) => {
  const file = join(root, `policy${++n}.json`);
  writeFileSync(file, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }], transports: { docker: { [`${registry.host}/signed`]: [requirement] } } }));
  return file;
};
const pull = (policyFile: string, name: string, extra: string[] = []) =>
  berth(["pull", "-q", "--tls-verify=false", "--registries.d", registriesD, "--signature-policy", policyFile, ...extra, `${registry.host}/${name}`], {
    env: { ...env, BERTH_ROOT: join(root, `pulled${++n}`) },
  });
const sha = (b: Uint8Array | string) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

beforeAll(async () => {
  mkdirSync(registriesD, { recursive: true });
  writeFileSync(join(registriesD, "default.yaml"), "default-docker:\n  use-sigstore-attachments: true\n");
  writeFileSync(pass, "correct horse\n");
  registry = await startRegistry(join(root, "registry"));
  for (const k of ["trusted", "other"]) expect(berth(["generate-sigstore-key", "--output-prefix", join(root, k), "--passphrase-file", pass], { env }).status).toBe(0);
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("signed"));
  expect(berth(["import", "-q", tar, "app"], { env }).status).toBe(0);
  const sign = ["--tls-verify=false", "--registries.d", registriesD, "--sign-by-sigstore-private-key", join(root, "trusted.private"), "--sign-passphrase-file", pass];
  expect(berth(["push", "-q", ...sign, "app", `${registry.host}/signed/app:1`], { env }).status).toBe(0);
  expect(berth(["push", "-q", "--tls-verify=false", "app", `${registry.host}/signed/unsigned:1`], { env }).status).toBe(0);
  expect(berth(["copy", "-q", "--dest-tls-verify=false", "--registries.d", registriesD, "--sign-by-sigstore-private-key", join(root, "trusted.private"), "--sign-passphrase-file", pass, "--sign-identity", `${registry.host}/signed/elsewhere:9`, "store:app", `docker://${registry.host}/signed/claims-elsewhere:1`], { env }).status).toBe(0);
}, 60_000);

afterAll(async () => {
  await registry.stop();
});

describe("sigstore signatures", () => {
  it("accepts an image signed with a trusted key, and rejects other keys, missing and unreachable signatures", () => {
    const trusted = { type: "sigstoreSigned", keyPath: join(root, "trusted.pub") };
    expect(pull(policy(trusted), "signed/app:1").status).toBe(0);
    const other = pull(policy({ type: "sigstoreSigned", keyPath: join(root, "other.pub") }), "signed/app:1");
    expect(other.stderr).toContain("Source image rejected: sigstoreSigned: a signature does not verify with the trusted keys");
    expect(pull(policy(trusted), "signed/unsigned:1").stderr).toContain("sigstoreSigned: a signature was required, but no signature exists");
    const off = join(root, "registries-off.d");
    mkdirSync(off, { recursive: true });
    const r = berth(["pull", "-q", "--tls-verify=false", "--registries.d", off, "--signature-policy", policy(trusted), `${registry.host}/signed/app:1`], { env: { ...env, BERTH_ROOT: join(root, "off") } });
    expect(r.stderr).toContain("sigstore attachments are not enabled for this registry");
  });

  it("checks the identity a signature claims against signedIdentity", () => {
    const key = join(root, "trusted.pub");
    const claims = pull(policy({ type: "sigstoreSigned", keyPath: key }), "signed/claims-elsewhere:1");
    expect(claims.stderr).toContain(`claims identity "${registry.host}/signed/elsewhere:9", which matchRepoDigestOrExact does not accept`);
    const exact = { type: "exactReference", dockerReference: `${registry.host}/signed/elsewhere:9` };
    expect(pull(policy({ type: "sigstoreSigned", keyPath: key, signedIdentity: exact }), "signed/claims-elsewhere:1").status).toBe(0);
    const keyData = readFileSync(key).toString("base64");
    expect(pull(policy({ type: "sigstoreSigned", keyData, signedIdentity: { type: "matchRepository" } }), "signed/app:1").status).toBe(0);
  });

  it("refuses a tampered payload, keeping nothing", async () => {
    // Same signature, payload edited to claim another repository: the signature no longer verifies.
    const base = `http://${registry.host}/v2/signed/app`;
    const manifest = (await (await fetch(`${base}/manifests/1`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).text()) as string;
    const tag = `${sha(manifest).replace(":", "-")}.sig`;
    const attachment = JSON.parse(await (await fetch(`${base}/manifests/${tag}`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).text()) as {
      layers: { digest: string; size: number }[];
    };
    const layer = attachment.layers[0];
    if (layer === undefined) throw new Error("no signature layer");
    const payload = await (await fetch(`${base}/blobs/${layer.digest}`)).text();
    const forged = payload.replace("signed/app", "signed/evil");
    const upload = await fetch(`${base}/blobs/uploads/`, { method: "POST" });
    const location = new URL(upload.headers.get("location") ?? "", `http://${registry.host}`);
    location.searchParams.set("digest", sha(forged));
    expect((await fetch(location, { method: "PUT", body: forged })).status).toBe(201);
    const edited = { ...attachment, layers: [{ ...layer, digest: sha(forged), size: Buffer.byteLength(forged) }] };
    expect((await fetch(`${base}/manifests/${tag}`, { method: "PUT", headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" }, body: JSON.stringify(edited) })).status).toBe(201);
    const store = join(root, "tampered");
    const r = await berthAsync(["pull", "-q", "--tls-verify=false", "--registries.d", registriesD, "--signature-policy", policy({ type: "sigstoreSigned", keyPath: join(root, "trusted.pub") }), `${registry.host}/signed/app:1`], { env: { ...env, BERTH_ROOT: store } });
    expect(r.stderr).toContain("a signature does not verify with the trusted keys");
    expect(berth(["images", "-q"], { env: { ...env, BERTH_ROOT: store } }).stdout).toBe("");
  });

  it("opens a key only with its passphrase", () => {
    writeFileSync(join(root, "wrong"), "wrong horse\n");
    const r = berth(["push", "-q", "--tls-verify=false", "--registries.d", registriesD, "--sign-by-sigstore-private-key", join(root, "trusted.private"), "--sign-passphrase-file", join(root, "wrong"), "app", `${registry.host}/signed/nope:1`], { env });
    expect([r.status, r.stderr]).toEqual([125, `Error: ${join(root, "trusted.private")}: wrong passphrase, or a damaged key\n`]);
  });
});
