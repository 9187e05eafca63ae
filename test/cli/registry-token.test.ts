/** The registry's token auth: berth asks a token server for scoped tokens with the user's credentials. */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { startTokenServer, type TokenServer } from "../peers/token-server.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berthAsync } from "./berth.ts";

const root = tempDir();
let registry: Registry;
let tokens: TokenServer;
const env = (store: string) => ({ BERTH_ROOT: join(root, store), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") });

beforeAll(async () => {
  mkdirSync(join(root, "home"), { recursive: true });
  const key = join(root, "token.key");
  const cert = join(root, "token.crt");
  const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=berth-token-issuer"], { encoding: "utf8" });
  expect(made.status).toBe(0);
  tokens = await startTokenServer({ user: "bob", password: "hunter2", keyPem: key, certPem: cert, issuer: "berth-test-issuer", service: "berth-test-registry" });
  registry = await startRegistry(
    join(root, "registry"),
    `auth:\n  token:\n    realm: ${tokens.realm}\n    service: berth-test-registry\n    issuer: berth-test-issuer\n    rootcertbundle: ${cert}\n`,
  );
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("token"));
  expect((await berthAsync(["import", "-q", tar, "app"], { env: env("source") })).status).toBe(0);
}, 60_000);
afterAll(async () => {
  await registry.stop();
  await tokens.stop();
});

describe("token auth", () => {
  it("pushes and pulls with scoped tokens", async () => {
    const pushed = await berthAsync(["push", "-q", "--tls-verify=false", "--creds", "bob:hunter2", "app", `${registry.host}/bob/app:1`], { env: env("source") });
    expect([pushed.status, pushed.stderr]).toEqual([0, ""]);
    expect(tokens.requests.some((r) => r.user === "bob" && r.service === "berth-test-registry" && r.scopes.includes("repository:bob/app:pull,push"))).toBe(true);
    const pulled = await berthAsync(["pull", "-q", "--tls-verify=false", "--creds", "bob:hunter2", `${registry.host}/bob/app:1`], { env: env("target") });
    expect([pulled.status, pulled.stderr]).toEqual([0, ""]);
    expect(tokens.requests.some((r) => r.scopes.includes("repository:bob/app:pull"))).toBe(true);
  });

  it("reports refused credentials in one line", async () => {
    const r = await berthAsync(["pull", "--tls-verify=false", "--creds", "bob:wrong", `${registry.host}/bob/app:1`], { env: env("refused") });
    expect(r.status).toBe(125);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("Error: "))).toEqual([
      `Error: initializing source docker://${registry.host}/bob/app:1: ${registry.host}/bob/app: the token server 127.0.0.1:${new URL(tokens.realm).port} answered 401`,
    ]);
  });
});
