/**
 * skopeo's verbs as its users script them: the same invocation run with
 * skopeo 1.9.3 and with berth, compared for exit code and the output that
 * matters (digests, tags, documents, the progress lines scripts grep).
 * skopeo exits 1 for every failure, unknown flags included; so do berth's
 * skopeo verbs.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { noise, writeIndexLayout, writeLayout } from "../layouts.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (args: ReadonlyArray<string>) => berth([...args], { env });
const skopeo = (args: ReadonlyArray<string>) => spawnSync("skopeo", args, { encoding: "utf8", env: { ...process.env, HOME: env.HOME } });
const layout = join(root, "layout");
const multi = join(root, "multi");
const archive = join(root, "app.docker.tar");
let registry: Registry;
let locked: Registry;

/** One invocation: what both are given (REG, LOCKED and OUT stand for the registries and a fresh directory, WHO for who runs it), the exit code both give, and what of their output must agree. */
interface Case {
  readonly args: ReadonlyArray<string>;
  readonly status: number;
  readonly same?: "stdout" | ((out: string) => unknown);
  /** What berth's standard error must say, when it fails. */
  readonly says?: RegExp;
}

let fresh = 0;
const expand = (args: ReadonlyArray<string>, who: string): string[] =>
  args.map((a) => a.replace("REG", registry.host).replace("LOCKED", locked.host).replace("OUT", join(root, `out-${who}-${fresh}`)).replace("WHO", who));

const json = (text: string): unknown => JSON.parse(text) as unknown;
const pick =
  (...keys: string[]) =>
  (text: string) => {
    const d = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(keys.map((k) => [k, d[k]]));
  };

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  const htpasswd = join(root, "htpasswd");
  writeFileSync(htpasswd, spawnSync("htpasswd", ["-Bbn", "tester", "s3cret-pass"], { encoding: "utf8" }).stdout);
  locked = await startRegistry(join(root, "locked"), `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${htpasswd}\n`);
  writeLayout(layout, [{ name: "app", layers: [noise(20_000, 1), noise(10_000, 2)], gzip: true }]);
  writeIndexLayout(multi, "multi", ["linux/arm64", "linux/amd64"], [noise(4096, 3)]);
  expect(skopeo(["copy", "-q", `oci:${layout}:app`, `docker-archive:${archive}:team/app:1`]).status).toBe(0);
  expect(skopeo(["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:app`, `docker://${registry.host}/team/app:1`]).status).toBe(0);
  // Two manifests (a delete takes the manifest, and every tag of it, away): OCI for skopeo's delete, Docker v2s2 for berth's.
  for (const [tag, format] of [["skopeo", "oci"], ["berth", "v2s2"]]) expect(skopeo(["copy", "-q", "--format", format ?? "", "--dest-tls-verify=false", `oci:${layout}:app`, `docker://${registry.host}/doomed/app:${tag}`]).status).toBe(0);
  writeFileSync(join(root, "manifest.json"), skopeo(["inspect", "--raw", `oci:${layout}:app`]).stdout);
}, 60_000);
afterAll(async () => {
  await registry.stop();
  await locked.stop();
});

const T = "--tls-verify=false";
const cases: ReadonlyArray<Case> = [
  // inspect, from a registry
  { args: ["inspect", T, "docker://REG/team/app:1"], status: 0, same: pick("Name", "Digest", "RepoTags", "Architecture", "Os", "Layers", "Labels") },
  { args: ["inspect", T, "--no-tags", "docker://REG/team/app:1"], status: 0, same: pick("Digest", "RepoTags") },
  { args: ["inspect", T, "--raw", "docker://REG/team/app:1"], status: 0, same: "stdout" },
  { args: ["inspect", T, "--config", "docker://REG/team/app:1"], status: 0, same: pick("architecture", "os", "rootfs") },
  { args: ["inspect", T, "--format", "{{.Digest}} {{len .Layers}}", "docker://REG/team/app:1"], status: 0, same: "stdout" },
  { args: ["inspect", T, "--retry-times", "0", "docker://REG/team/app:1"], status: 0, same: pick("Digest") },
  { args: ["inspect", T, "docker://REG/team/nosuch:1"], status: 1, says: /manifest unknown: manifest unknown/ },
  { args: ["inspect", T, "docker://REG/team/app:nosuch"], status: 1, says: /manifest unknown/ },
  { args: ["inspect", "docker://REG/team/app:1"], status: 1, says: /HTTP response to an HTTPS client/ },
  { args: ["inspect", T, "docker://127.0.0.1:9/team/app:1"], status: 1, says: /connection refused/ },
  { args: ["inspect", T, "docker://LOCKED/team/app:1"], status: 1, says: /authentication required/ },
  { args: ["inspect", T, "--creds", "tester:wrong", "docker://LOCKED/team/app:1"], status: 1 },
  { args: ["inspect", "--frobnicate", "docker://REG/team/app:1"], status: 1, says: /unknown flag: --frobnicate/ },
  { args: ["inspect", T, "--format", "{{.Nosuch}}", "docker://REG/team/app:1"], status: 1 },
  // inspect, other transports and indexes
  { args: ["inspect", `oci:${layout}:app`], status: 0, same: pick("Digest", "Architecture", "Layers") },
  { args: ["inspect", `oci:${join(root, "nowhere")}:app`], status: 1 },
  { args: ["inspect", `docker-archive:${archive}`], status: 0, same: pick("Layers", "Architecture") },
  { args: ["--override-arch", "arm64", "inspect", `oci:${multi}:multi`], status: 0, same: pick("Digest", "Architecture", "Layers") },
  { args: ["--override-arch", "s390x", "inspect", `oci:${multi}:multi`], status: 1, says: /no image found in image index for architecture s390x/ },
  { args: ["inspect", "--raw", `oci:${multi}:multi`], status: 0, same: "stdout" },
  // list-tags
  { args: ["list-tags", T, "docker://REG/team/app"], status: 0, same: json },
  { args: ["list-tags", T, "docker://REG/team/nosuch"], status: 1 },
  { args: ["list-tags", `docker-archive:${archive}`], status: 0, same: json },
  { args: ["list-tags", `docker-archive:${join(root, "nofile.tar")}`], status: 1 },
  { args: ["list-tags", T, "docker://LOCKED/team/app"], status: 1, says: /authentication required/ },
  // copy
  { args: ["copy", "--dest-tls-verify=false", `oci:${layout}:app`, "docker://REG/copies/app:1"], status: 0, same: (out) => out.split("\n").filter((l) => !l.startsWith("Copying ")) },
  { args: ["copy", "-q", `oci:${layout}:app`, "oci:OUT:app"], status: 0, same: "stdout" },
  { args: ["copy", "--src-tls-verify=false", "docker://REG/team/nosuch:1", "oci:OUT:x"], status: 1, says: /manifest unknown/ },
  { args: ["copy", "-q", "--dest-tls-verify=false", `oci:${layout}:app`, "docker://LOCKED/team/app:1"], status: 1, says: /authentication required/ },
  { args: ["copy", "-q", "--dest-tls-verify=false", "--dest-creds", "tester:wrong", `oci:${layout}:app`, "docker://LOCKED/team/app:1"], status: 1 },
  { args: ["copy", "-q", "--dest-tls-verify=false", "--dcreds", "tester:s3cret-pass", `oci:${layout}:app`, "docker://LOCKED/team/app:1"], status: 0 },
  { args: ["copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false", "--screds", "tester:s3cret-pass", "docker://LOCKED/team/app:1", "docker://REG/copies/relocked:1"], status: 0 },
  { args: ["copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://REG/team/app:1", "docker://LOCKED/team/other:1"], status: 1, says: /authentication required/ },
  { args: ["copy", "--frobnicate", `oci:${layout}:app`, "oci:OUT:app"], status: 1 },
  { args: ["--policy", join(root, "no-policy.json"), "copy", "-q", `oci:${layout}:app`, "oci:OUT:app"], status: 1, says: /no-policy\.json/ },
  { args: ["--insecure-policy", "copy", "-q", `oci:${layout}:app`, "oci:OUT:app"], status: 0 },
  { args: ["copy", "-q", "--multi-arch", "all", `oci:${multi}:multi`, "oci:OUT:multi"], status: 0 },
  // sync
  { args: ["sync", "--src", "docker", "--dest", "dir", "--src-tls-verify=false", "REG/team/app", "OUT"], status: 0 },
  { args: ["sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false", "--dest-tls-verify=false", "REG/team/app:1", "REG/synced-WHO"], status: 0 },
  { args: ["sync", "--src", "docker", "--dest", "dir", "--src-tls-verify=false", "REG/team/nosuch", "OUT"], status: 1 },
  { args: ["sync", "--src", "nosuch", "--dest", "dir", "REG/team/app", "OUT"], status: 1 },
  // delete
  { args: ["delete", T, "docker://REG/doomed/app:WHO"], status: 0 },
  { args: ["delete", T, "docker://REG/team/nosuch:1"], status: 1 },
  // manifest-digest
  { args: ["manifest-digest", join(root, "manifest.json")], status: 0, same: "stdout" },
  { args: ["manifest-digest", join(root, "nofile.json")], status: 1 },
  // global flags and version
  { args: ["--command-timeout", "30s", "inspect", `oci:${layout}:app`], status: 0, same: pick("Digest") },
  { args: ["--debug", "inspect", `oci:${layout}:app`], status: 0, same: pick("Digest") },
];

describe("skopeo's verbs, against skopeo 1.9.3", () => {
  it.each(cases.map((c) => [c.args.join(" "), c] as const))("%s", (_shown, c) => {
    fresh++;
    const theirs = skopeo(expand(c.args, "skopeo"));
    const ours = b(expand(c.args, "berth"));
    expect({ skopeo: theirs.status, berth: ours.status }).toEqual({ skopeo: c.status, berth: c.status });
    if (c.status !== 0) {
      // One line a user can act on; never a stack trace.
      const lines = ours.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Try 'berth --help'"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error: /);
      if (c.says !== undefined) expect(ours.stderr).toMatch(c.says);
    } else if (c.same === "stdout") expect(ours.stdout).toBe(theirs.stdout);
    else if (c.same !== undefined) expect(c.same(ours.stdout)).toEqual(c.same(theirs.stdout));
  });

  it("prints skopeo's progress lines on standard output, in skopeo's words", () => {
    const r = b(["copy", `oci:${layout}:app`, `oci:${join(root, "progress")}:app`]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("Getting image source signatures");
    expect(lines.slice(-3)).toEqual(["Writing manifest to image destination", "Storing signatures", ""]);
    expect(lines.filter((l) => /^Copying (blob|config) sha256:[0-9a-f]{64}$/.test(l))).toHaveLength(3);
  });

  it("says its own name and version, as skopeo's users parse it", () => {
    expect(skopeo(["--version"]).stdout).toMatch(/^skopeo version \d+\.\d+\.\d+/);
    for (const args of [["--version"], ["version"]]) expect(b(args).stdout).toMatch(/^berth version \d+\.\d+\.\d+\n$/);
  });

  it("digests a signed schema 1 manifest without its signatures, as skopeo", () => {
    // A JWS "pretty" signature: the payload is the first formatLength bytes and the formatTail.
    const body = '{\n   "schemaVersion": 1,\n   "name": "team/app",\n   "tag": "1",\n   "architecture": "amd64",\n   "fsLayers": [],\n   "history": []';
    const tail = "\n}";
    const header = Buffer.from(JSON.stringify({ formatLength: body.length, formatTail: Buffer.from(tail).toString("base64url"), time: "2026-01-01T00:00:00Z" })).toString("base64url");
    const signed = `${body},\n   "signatures": [\n      {\n         "header": {"alg": "ES256"},\n         "signature": "AAAA",\n         "protected": "${header}"\n      }\n   ]${tail}`;
    const file = join(root, "schema1.json");
    writeFileSync(file, signed);
    const expected = `sha256:${createHash("sha256").update(body + tail).digest("hex")}\n`;
    expect(skopeo(["manifest-digest", file]).stdout).toBe(expected);
    expect(b(["manifest-digest", file]).stdout).toBe(expected);
  });
});

describe("standalone-sign and standalone-verify, against skopeo 1.9.3", () => {
  const gnupg = join(root, "gnupg");
  const withKeys = { ...env, GNUPGHOME: gnupg };
  const ours = (args: ReadonlyArray<string>) => berth([...args], { env: withKeys });
  const theirs = (args: ReadonlyArray<string>) => spawnSync("skopeo", args, { encoding: "utf8", env: { ...process.env, ...withKeys } });
  const manifest = () => join(root, "manifest.json");
  let fingerprint = "";

  beforeAll(() => {
    mkdirSync(gnupg, { recursive: true, mode: 0o700 });
    const gpg = (args: string[]) => spawnSync("gpg", ["--batch", ...args], { encoding: "utf8", env: { ...process.env, GNUPGHOME: gnupg } });
    expect(gpg(["--passphrase", "", "--quick-gen-key", "signer <signer@example.com>", "ed25519", "sign", "never"]).status).toBe(0);
    fingerprint = /^fpr:+([0-9A-F]+):/m.exec(gpg(["--list-keys", "--with-colons", "signer@example.com"]).stdout)?.[1] ?? "";
    expect(fingerprint).toMatch(/^[0-9A-F]{40}$/);
  }, 60_000);

  it("signs as skopeo does: each verifies the other's signature, and both refuse the same wrong ones", () => {
    const name = "registry.example.com/team/app:1";
    const made = { skopeo: join(root, "sig.skopeo"), berth: join(root, "sig.berth") };
    expect(theirs(["standalone-sign", manifest(), name, fingerprint, "-o", made.skopeo]).status).toBe(0);
    const signed = ours(["standalone-sign", manifest(), name, fingerprint, "-o", made.berth]);
    expect([signed.status, signed.stderr]).toEqual([0, ""]);
    const digest = skopeo(["manifest-digest", manifest()]).stdout.trim();
    for (const sig of [made.skopeo, made.berth]) {
      const verified = theirs(["standalone-verify", manifest(), name, fingerprint, sig]);
      expect([verified.status, verified.stdout]).toEqual([0, `Signature verified, digest ${digest}\n`]);
      expect(ours(["standalone-verify", manifest(), name, fingerprint, sig]).stdout).toBe(verified.stdout);
      // The wrong name, the wrong key, the wrong manifest: 1 from both, in one line from berth.
      const other = join(root, "other-manifest.json");
      writeFileSync(other, `${skopeo(["inspect", "--raw", `oci:${multi}:multi`]).stdout}`);
      for (const args of [
        [manifest(), "registry.example.com/team/other:1", fingerprint, sig],
        [manifest(), name, "0123456789ABCDEF0123456789ABCDEF01234567", sig],
        [other, name, fingerprint, sig],
      ]) {
        expect(theirs(["standalone-verify", ...args]).status).toBe(1);
        const refused = ours(["standalone-verify", ...args]);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(/^Error: [^\n]+\n$/);
      }
    }
    expect(ours(["standalone-sign", manifest(), name, fingerprint]).status).toBe(1);
    expect(ours(["standalone-sign", manifest(), name, "NOSUCHKEY", "-o", join(root, "sig.none")]).status).toBe(1);
  });
});
