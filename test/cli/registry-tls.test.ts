/** A registry behind TLS with a CA made here: berth trusts it only when told (--cert-dir), or skips checks with --tls-verify=false. */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berthAsync } from "./berth.ts";

const root = tempDir();
const certs = join(root, "certs");
let registry: Registry;
const env = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });
const openssl = (...args: string[]) => expect(spawnSync("openssl", args, { encoding: "utf8" }).status).toBe(0);

beforeAll(async () => {
  mkdirSync(certs, { recursive: true });
  mkdirSync(join(root, "home"), { recursive: true });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "ca.key"), "-out", join(certs, "ca.crt"), "-days", "1", "-subj", "/CN=berth test CA");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "server.key"), "-out", join(root, "server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(join(root, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl("x509", "-req", "-in", join(root, "server.csr"), "-CA", join(certs, "ca.crt"), "-CAkey", join(root, "ca.key"), "-CAcreateserial", "-out", join(root, "server.crt"), "-days", "1", "-extfile", join(root, "san.ext"));
  registry = await startRegistry(join(root, "registry"), `  tls:\n    certificate: ${join(root, "server.crt")}\n    key: ${join(root, "server.key")}\n`);
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("tls"));
  expect((await berthAsync(["import", "-q", tar, "app"], { env: env("source") })).status).toBe(0);
}, 60_000);
afterAll(() => registry.stop());

describe("TLS", () => {
  it("pushes and pulls over TLS with the CA from --cert-dir", async () => {
    const pushed = await berthAsync(["push", "-q", "--cert-dir", certs, "app", `${registry.host}/tls/app:1`], { env: env("source") });
    expect([pushed.status, pushed.stderr]).toEqual([0, ""]);
    const pulled = await berthAsync(["pull", "-q", "--cert-dir", certs, `${registry.host}/tls/app:1`], { env: env("target") });
    expect([pulled.status, pulled.stderr]).toEqual([0, ""]);
  });

  it("trusts the CA in certs.d/HOST:PORT, as containers-certs.d(5) places it, for pull and copy", async () => {
    const e = { ...env("certs-d"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc-certs") };
    const dir = join(root, "etc-certs", "certs.d", registry.host);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(certs, "ca.crt"), join(dir, "ca.crt"));
    const pulled = await berthAsync(["pull", "-q", `${registry.host}/tls/app:1`], { env: e });
    expect([pulled.status, pulled.stderr]).toEqual([0, ""]);
    const copied = await berthAsync(["copy", "-q", `docker://${registry.host}/tls/app:1`, `docker://${registry.host}/tls/copy:1`], { env: e });
    expect([copied.status, copied.stderr]).toEqual([0, ""]);
  });

  it("refuses an unknown CA in one line, and --tls-verify=false skips the check", async () => {
    const refused = await berthAsync(["pull", "-q", `${registry.host}/tls/app:1`], { env: env("refused") });
    expect(refused.status).toBe(125);
    expect(refused.stderr).toMatch(/^Error: initializing source docker:\/\/127\.0\.0\.1:\d+\/tls\/app:1: .*(self.signed|unable to verify|certificate)[^\n]*\n$/i);
    const skipped = await berthAsync(["pull", "-q", "--tls-verify=false", `${registry.host}/tls/app:1`], { env: env("skipped") });
    expect(skipped.status).toBe(0);
  });
});
