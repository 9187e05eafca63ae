/**
 * The signature policy decides every copy, as podman's and skopeo's does:
 * the same policy.json files give the same accept/reject decisions as
 * `skopeo copy --policy`, and a rejection keeps nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir, listing } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const home = join(root, "home");
let registry: Registry;
let n = 0;
/** A fresh store and system config directory holding `policy` (none when undefined). */
const fresh = (policy: unknown) => {
  const etc = join(root, `etc${++n}`);
  mkdirSync(etc, { recursive: true });
  if (policy !== undefined) writeFileSync(join(etc, "policy.json"), typeof policy === "string" ? policy : JSON.stringify(policy));
  return { env: { BERTH_ROOT: join(root, `store${n}`), HOME: home, BERTH_SYSTEM_CONFIG_DIR: etc, BERTH_TEST_NO_POLICY: "1" }, file: join(etc, "policy.json"), store: join(root, `store${n}`) };
};
const skopeoAccepts = (file: string, image: string): boolean =>
  spawnSync("skopeo", ["--policy", file, "copy", "-q", "--src-tls-verify=false", `docker://${image}`, `dir:${join(root, `skopeo-out${++n}`)}`], { encoding: "utf8", env: { ...process.env, HOME: home } }).status === 0;
const accept = [{ type: "insecureAcceptAnything" }];
const reject = [{ type: "reject" }];

beforeAll(async () => {
  mkdirSync(home, { recursive: true });
  registry = await startRegistry(join(root, "registry"));
  const source = fresh({ default: accept });
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("policy"));
  expect(berth(["import", "-q", tar, "app"], { env: source.env }).status).toBe(0);
  for (const repo of ["team/app", "other/app"]) expect(berth(["push", "-q", "--tls-verify=false", "app", `${registry.host}/${repo}:1`], { env: source.env }).status).toBe(0);
}, 60_000);

afterAll(async () => {
  await registry.stop();
});

describe("signature policy", () => {
  it("decides as skopeo does on the same files", () => {
    const host = registry.host;
    const policies = [
      { default: accept },
      { default: reject },
      { default: reject, transports: { docker: { [`${host}/team`]: accept } } },
      { default: accept, transports: { docker: { [host]: reject } } },
      { default: reject, transports: { docker: { "": accept, [`${host}/team/app`]: reject } } },
      { default: accept, transports: { docker: { [`${host}/team/app:1`]: reject } } },
      { default: accept, transports: { docker: { "*.0.1": reject } } },
      { default: accept, transports: { docker: { [`${host}/team`]: [{ type: "signedBy", keyType: "GPGKeys", keyData: "AAAA" }] } } },
      { default: accept, transports: { docker: { [`${host}/team`]: [{ type: "sigstoreSigned", keyData: "AAAA" }] } } },
    ];
    for (const policy of policies) {
      for (const image of [`${host}/team/app:1`, `${host}/other/app:1`]) {
        const t = fresh(policy);
        const ours = berth(["pull", "-q", "--tls-verify=false", image], { env: t.env });
        expect([JSON.stringify(policy), image, ours.status === 0]).toEqual([JSON.stringify(policy), image, skopeoAccepts(t.file, image)]);
        if (ours.status !== 0) {
          expect(ours.stderr).toMatch(/^Error: initializing source docker:\/\/.*: Source image rejected: [^\n]+\n$/);
          expect(berth(["images", "-q"], { env: t.env }).stdout).toBe("");
          expect(listing(join(t.store, "blobs/sha256"))).toEqual([]);
        }
      }
    }
  });

  it("says why: rejected by policy, or a signature it could not find", () => {
    const host = registry.host;
    const rejected = fresh({ default: reject });
    expect(berth(["pull", "-q", "--tls-verify=false", `${host}/team/app:1`], { env: rejected.env }).stderr).toContain(
      `Source image rejected: Running image docker://${host}/team/app:1 is rejected by policy.`,
    );
    const signed = fresh({ default: [{ type: "sigstoreSigned", keyData: "AAAA" }] });
    expect(berth(["copy", "-q", "--src-tls-verify=false", `docker://${host}/team/app:1`, `dir:${join(root, "never")}`], { env: signed.env }).stderr).toMatch(
      /Source image rejected: sigstoreSigned: /,
    );
    const insecure = berth(["pull", "-q", "--insecure-policy", "--tls-verify=false", `${host}/team/app:1`], { env: rejected.env });
    expect(insecure.status).toBe(0);
  });

  it("refuses a policy file that is not valid, or missing, in one line, as skopeo refuses it", () => {
    const image = `${registry.host}/team/app:1`;
    const dup = fresh('{"default":[{"type":"insecureAcceptAnything"}],"default":[{"type":"reject"}]}');
    const r = berth(["pull", "-q", "--tls-verify=false", image], { env: dup.env });
    expect([r.status, r.stderr]).toEqual([125, `Error: ${dup.file}: key "default" appears twice\n`]);
    expect(skopeoAccepts(dup.file, image)).toBe(false);
    const unknown = fresh({ default: accept, extra: true });
    expect(berth(["pull", "-q", "--tls-verify=false", image], { env: unknown.env }).stderr).toBe(`Error: ${unknown.file}: unknown field "extra"\n`);
    expect(skopeoAccepts(unknown.file, image)).toBe(false);
    const none = fresh(undefined);
    expect(berth(["pull", "-q", "--tls-verify=false", image], { env: none.env }).stderr).toMatch(/^Error: no signature policy: none of .* exists; give --signature-policy FILE, or --insecure-policy/);
    const chosen = berth(["pull", "-q", "--tls-verify=false", "--signature-policy", dup.file.replace("etc", "nowhere"), image], { env: none.env });
    expect(chosen.stderr).toMatch(/no such signature policy file/);
  });

  it("judges archives and the store by their own transports", () => {
    const t = fresh({ default: reject, transports: { "containers-storage": { "": accept }, "docker-archive": { "": reject } } });
    expect(berth(["pull", "-q", "--insecure-policy", "--tls-verify=false", `${registry.host}/team/app:1`], { env: t.env }).status).toBe(0);
    const file = join(root, "saved.tar");
    expect(berth(["save", "-o", file, `${registry.host}/team/app:1`], { env: t.env }).status).toBe(0);
    const loaded = berth(["load", "-i", file], { env: t.env });
    expect(loaded.status).toBe(125);
    expect(loaded.stderr).toMatch(/Source image rejected: Running image docker-archive:.* is rejected by policy\./);
  });
});
