/**
 * What a script gives `openBerth` applies to every call: an auth file in a
 * place of its own, a CA directory, registries.conf and a signature policy,
 * against the real registry behind TLS with htpasswd auth. With any one of
 * them left out, the calls that need it fail in one line.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBerth, BerthError, type BerthOptions, type HostEnvironment } from "../../index.ts";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { makeTar } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";

const root = tempDir();
const certs = join(root, "certs");
const authFile = join(root, "elsewhere", "creds.json");
const policy = join(root, "elsewhere", "policy.json");
const conf = join(root, "elsewhere", "registries.conf");
// A home and system directory with nothing in them: whatever works, works because of the options.
const host: HostEnvironment = { home: join(root, "home"), uid: 1000, env: { BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") } };
let registry: Registry;
let options: BerthOptions;
const openssl = (...args: string[]) => expect(spawnSync("openssl", args, { encoding: "utf8" }).status).toBe(0);
const store = (name: string) => join(root, name);
const failureOf = (p: Promise<unknown>): Promise<{ code: string; message: string }> =>
  p.then(
    () => ({ code: "none", message: "it worked" }),
    (e: unknown) => (e instanceof BerthError ? { code: e.code, message: e.message } : { code: "thrown", message: String(e) }),
  );

beforeAll(async () => {
  for (const d of [certs, join(root, "elsewhere"), join(root, "home"), join(root, "etc")]) mkdirSync(d, { recursive: true });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "ca.key"), "-out", join(certs, "ca.crt"), "-days", "1", "-subj", "/CN=berth test CA");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "server.key"), "-out", join(root, "server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(join(root, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", join(root, "server.csr"), "-CA", join(certs, "ca.crt"), "-CAkey", join(root, "ca.key"), "-CAcreateserial", "-out", join(root, "server.crt"), "-days", "1", "-extfile", join(root, "san.ext"));
  const htpasswd = join(root, "htpasswd");
  writeFileSync(htpasswd, spawnSync("htpasswd", ["-Bbn", "scripter", "opt10ns"], { encoding: "utf8" }).stdout);
  registry = await startRegistry(
    join(root, "registry"),
    `  tls:\n    certificate: ${join(root, "server.crt")}\n    key: ${join(root, "server.key")}\nauth:\n  htpasswd:\n    realm: berth-test\n    path: ${htpasswd}\n`,
  );
  writeFileSync(authFile, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from("scripter:opt10ns").toString("base64") } } }));
  writeFileSync(policy, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }], transports: { docker: { [`${registry.host}/refused`]: [{ type: "reject" }] } } }));
  writeFileSync(conf, `unqualified-search-registries = ["${registry.host}"]\nshort-name-mode = "permissive"\n`);
  options = { host, authFile, certDir: certs, registriesConf: conf, signaturePolicy: policy };
  const tar = join(root, "app.tar");
  writeFileSync(tar, await makeTar([{ name: "etc/hello", content: "options\n" }]));
  const berth = await openBerth({ ...options, root: store("source") });
  await berth.import(tar, { name: "app" });
}, 60_000);
afterAll(async () => {
  await registry.stop();
});

describe("openBerth's options", () => {
  it("apply to push, pull (a short name through registries.conf), copy, tags, inspect, delete, plans and pulling every tag", async () => {
    const source = await openBerth({ ...options, root: store("source") });
    const pushed = await source.push("app", `${registry.host}/team/app:1`);
    const target = await openBerth({ ...options, root: store("target") });
    expect((await target.pull("team/app:1")).id).toBe((await source.inspect("app")).Id);
    const copied = await target.copy(`docker://${registry.host}/team/app:1`, `docker://${registry.host}/team/copy:1`);
    expect(copied.manifestDigest).toBe(pushed.manifestDigest);
    expect(await target.tags(`docker://${registry.host}/team/copy`)).toEqual(["1"]);
    expect((await target.inspectRemote(`docker://${registry.host}/team/copy:1`)).Digest).toBe(pushed.manifestDigest);
    expect((await target.planCopy(`docker://${registry.host}/team/app:1`, `docker://${registry.host}/team/plan:1`)).source.digest).toBe(pushed.manifestDigest);
    expect((await target.pullAllTags(`${registry.host}/team/copy`)).map((t) => t.name)).toEqual([`${registry.host}/team/copy:1`]);
    expect(await target.deleteRemote(`docker://${registry.host}/team/copy:1`)).toBe(pushed.manifestDigest);
  });

  it("the policy file decides", async () => {
    const berth = await openBerth({ ...options, root: store("policy") });
    await berth.copy(`docker://${registry.host}/team/app:1`, `docker://${registry.host}/refused/app:1`);
    const refused = await failureOf(berth.pull(`${registry.host}/refused/app:1`));
    expect(refused.code).toBe("PULL_FAILED");
    expect(refused.message).toContain("Source image rejected");
  });

  it("without the auth file, without the CA, or without the policy, the same calls fail in one line", async () => {
    const name = `docker://${registry.host}/team/app:1`;
    const { authFile: _a, ...noAuth } = options;
    const unauthorized = await failureOf((await openBerth({ ...noAuth, root: store("a") })).inspectRemote(name));
    expect([unauthorized.code, unauthorized.message.split("\n").length]).toEqual(["UNAUTHORIZED", 1]);
    const { certDir: _c, ...noCa } = options;
    const untrusted = await failureOf((await openBerth({ ...noCa, root: store("b") })).copy(name, `oci:${join(root, "never")}:x`));
    expect([untrusted.code, untrusted.message.split("\n").length]).toEqual(["REGISTRY_UNREACHABLE", 1]);
    // tlsVerify: false reaches it without the CA.
    expect((await (await openBerth({ ...noCa, tlsVerify: false, root: store("c") })).inspectRemote(name)).Name).toBe(`${registry.host}/team/app`);
    const { signaturePolicy: _p, ...noPolicy } = options;
    const noFile = await failureOf((await openBerth({ ...noPolicy, root: store("d") })).pull(name));
    expect(noFile.message).toContain("policy.json");
  });
});
