/**
 * GPG simple signing, both ways with skopeo: what skopeo signs with
 * `--sign-by`, berth accepts under a signedBy policy with that key and
 * refuses under another key, another identity or a damaged signature; what
 * berth signs, skopeo accepts under the same policy.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir("bg-");
const gnupg = join(root, "g");
const home = join(root, "home");
const sigs = join(root, "sigs");
const registriesD = join(root, "rd");
const env = { BERTH_ROOT: join(root, "store"), HOME: home, BERTH_SYSTEM_CONFIG_DIR: join(root, "etc"), GNUPGHOME: gnupg };
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, HOME: home, GNUPGHOME: gnupg } });
const fingerprints: Record<string, string> = {};
let registry: Registry;
let n = 0;
const policyWith = (key: string, signedIdentity?: unknown) => {
  const file = join(root, `policy${++n}.json`);
  const req = { type: "signedBy", keyType: "GPGKeys", keyPath: join(root, `${key}.asc`), ...(signedIdentity === undefined ? {} : { signedIdentity }) };
  writeFileSync(file, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }], transports: { docker: { [`${registry.host}/gpg`]: [req] } } }));
  return file;
};
const berthAccepts = (policy: string, repo: string) => {
  const r = berth(["pull", "-q", "--tls-verify=false", "--registries.d", registriesD, "--signature-policy", policy, `${registry.host}/gpg/${repo}:1`], {
    env: { ...env, BERTH_ROOT: join(root, `pulled${++n}`) },
  });
  return { ok: r.status === 0, stderr: r.stderr };
};
const skopeoAccepts = (policy: string, repo: string) =>
  run("skopeo", ["--policy", policy, "copy", "-q", "--registries.d", registriesD, "--src-tls-verify=false", `docker://${registry.host}/gpg/${repo}:1`, `dir:${join(root, `out${++n}`)}`]).status === 0;

beforeAll(async () => {
  mkdirSync(gnupg, { recursive: true });
  chmodSync(gnupg, 0o700);
  mkdirSync(home, { recursive: true });
  mkdirSync(registriesD, { recursive: true });
  writeFileSync(join(registriesD, "default.yaml"), `default-docker:\n  lookaside: file://${sigs}\n  lookaside-staging: file://${sigs}\n`);
  for (const who of ["trusted", "other"]) {
    expect(run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", `${who} <${who}@example.com>`, "ed25519", "sign", "never"]).status).toBe(0);
    const listed = run("gpg", ["--list-keys", "--with-colons", `${who}@example.com`]).stdout;
    fingerprints[who] = /^fpr:+([0-9A-F]+):/m.exec(listed)?.[1] ?? "";
    writeFileSync(join(root, `${who}.asc`), run("gpg", ["--export", "--armor", fingerprints[who] ?? ""]).stdout);
  }
  registry = await startRegistry(join(root, "registry"));
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("gpg"));
  expect(berth(["import", "-q", tar, "app"], { env }).status).toBe(0);
  const layout = join(root, "layout");
  expect(berth(["copy", "-q", "store:app", `oci:${layout}:app`], { env }).status).toBe(0);
  const skopeoSign = (repo: string, extra: string[] = []) =>
    expect(run("skopeo", ["copy", "-q", "--registries.d", registriesD, "--dest-tls-verify=false", "--sign-by", fingerprints["trusted"] ?? "", ...extra, `oci:${layout}:app`, `docker://${registry.host}/gpg/${repo}:1`]).status).toBe(0);
  skopeoSign("by-skopeo");
  skopeoSign("claims-elsewhere", ["--sign-identity", `${registry.host}/gpg/elsewhere:1`]);
  expect(berth(["push", "-q", "--tls-verify=false", "--registries.d", registriesD, "--sign-by", fingerprints["trusted"] ?? "", "app", `${registry.host}/gpg/by-berth:1`], { env }).status).toBe(0);
  expect(berth(["push", "-q", "--tls-verify=false", "app", `${registry.host}/gpg/unsigned:1`], { env }).status).toBe(0);
  expect(berth(["push", "-q", "--tls-verify=false", "app", `${registry.host}/gpg/damaged:1`], { env }).status).toBe(0);
}, 90_000);

afterAll(async () => {
  await registry.stop();
  // Signing started a gpg-agent for this keyring; it must not outlive the test.
  run("gpgconf", ["--kill", "all"]);
});

describe("GPG simple signing with skopeo", () => {
  it("berth accepts what skopeo signed with the trusted key, and skopeo accepts what berth signed", () => {
    for (const repo of ["by-skopeo", "by-berth"]) {
      const trusted = policyWith("trusted");
      expect([repo, berthAccepts(trusted, repo).ok, skopeoAccepts(trusted, repo)]).toEqual([repo, true, true]);
      const other = policyWith("other");
      const refused = berthAccepts(other, repo);
      expect([repo, refused.ok, skopeoAccepts(other, repo)]).toEqual([repo, false, false]);
      expect(refused.stderr).toContain("signedBy: a signature does not verify with the trusted keys");
    }
  });

  it("checks the claimed identity, and refuses unsigned images, as skopeo does", () => {
    const strict = policyWith("trusted");
    const claims = berthAccepts(strict, "claims-elsewhere");
    expect([claims.ok, skopeoAccepts(strict, "claims-elsewhere")]).toEqual([false, false]);
    expect(claims.stderr).toContain(`claims identity "${registry.host}/gpg/elsewhere:1"`);
    const exact = policyWith("trusted", { type: "exactReference", dockerReference: `${registry.host}/gpg/elsewhere:1` });
    expect([berthAccepts(exact, "claims-elsewhere").ok, skopeoAccepts(exact, "claims-elsewhere")]).toEqual([true, true]);
    const unsigned = berthAccepts(strict, "unsigned");
    expect([unsigned.ok, skopeoAccepts(strict, "unsigned")]).toEqual([false, false]);
    expect(unsigned.stderr).toContain("signedBy: a signature was required, but no signature exists");
  });

  it("carries signatures along copies (registry → dir: → registry), which skopeo then verifies", () => {
    const dir = join(root, "carried");
    const source = `docker://${registry.host}/gpg/by-skopeo:1`;
    const base = ["--src-tls-verify=false", "--dest-tls-verify=false", "--registries.d", registriesD];
    expect(berth(["copy", "-q", ...base, source, `dir:${dir}`], { env }).status).toBe(0);
    expect(readdirSync(dir)).toContain("signature-1");
    // A dir: image has no registry name: the policy must say which identity to expect.
    const exact = { type: "exactReference", dockerReference: `${registry.host}/gpg/by-skopeo:1` };
    const dirPolicy = join(root, "dir-policy.json");
    writeFileSync(dirPolicy, JSON.stringify({ default: [{ type: "reject" }], transports: { dir: { "": [{ type: "signedBy", keyType: "GPGKeys", keyPath: join(root, "trusted.asc"), signedIdentity: exact }] } } }));
    expect(run("skopeo", ["--policy", dirPolicy, "copy", "-q", `dir:${dir}`, `dir:${join(root, "by-skopeo-again")}`]).status).toBe(0);
    // An OCI layout keeps no signatures: skopeo and berth both refuse to lose them, unless told to.
    const ours = berth(["copy", "-q", "--signature-policy", dirPolicy, `dir:${dir}`, `oci:${join(root, "verified-layout")}:x`], { env });
    const theirs = run("skopeo", ["--policy", dirPolicy, "copy", "-q", `dir:${dir}`, `oci:${join(root, "verified-by-skopeo")}:x`]);
    expect([ours.status === 0, theirs.status === 0]).toEqual([false, false]);
    expect(ours.stderr).toContain("use --remove-signatures");
    expect(berth(["copy", "-q", "--remove-signatures", "--signature-policy", dirPolicy, `dir:${dir}`, `oci:${join(root, "verified-layout")}:x`], { env }).status).toBe(0);
    expect(run("skopeo", ["--policy", dirPolicy, "copy", "-q", "--remove-signatures", `dir:${dir}`, `oci:${join(root, "verified-by-skopeo")}:x`]).status).toBe(0);
    expect(berth(["copy", "-q", ...base, `dir:${dir}`, `docker://${registry.host}/gpg/carried:1`], { env }).status).toBe(0);
    expect(skopeoAccepts(policyWith("trusted", exact), "carried")).toBe(true);
    const bare = join(root, "bare");
    expect(berth(["copy", "-q", ...base, "--remove-signatures", source, `dir:${bare}`], { env }).status).toBe(0);
    expect(readdirSync(bare)).not.toContain("signature-1");
    const converted = berth(["copy", "-q", ...base, "--format", "v2s2", source, `dir:${join(root, "converted")}`], { env });
    expect(converted.stderr).toMatch(/would invalidate its signatures; use --remove-signatures/);
  });

  it("refuses a damaged signature", () => {
    // The valid signature of by-berth, copied beside damaged's digest with one byte changed.
    const signedDir = readdirSync(join(sigs, "gpg")).find((d) => d.startsWith("by-berth@")) ?? "";
    const damagedDigest = signedDir.slice("by-berth@".length);
    const bytes = readFileSync(join(sigs, "gpg", signedDir, "signature-1"));
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    mkdirSync(join(sigs, "gpg", `damaged@${damagedDigest}`), { recursive: true });
    writeFileSync(join(sigs, "gpg", `damaged@${damagedDigest}`, "signature-1"), bytes);
    const trusted = policyWith("trusted");
    const r = berthAccepts(trusted, "damaged");
    expect([r.ok, skopeoAccepts(trusted, "damaged")]).toEqual([false, false]);
  });
});
