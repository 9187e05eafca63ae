/** login/logout against the real registry with htpasswd Basic auth; later commands use the saved credentials. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type Registry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const run = join(root, "run");
let registry: Registry;
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), XDG_RUNTIME_DIR: run, BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (args: string[], input?: string) => berth(args, { env, ...(input === undefined ? {} : { input }) });
const authFile = join(run, "containers/auth.json");

beforeAll(async () => {
  mkdirSync(env.HOME, { recursive: true });
  const htpasswd = join(root, "htpasswd");
  writeFileSync(htpasswd, spawnSync("htpasswd", ["-Bbn", "alice", "correct horse"], { encoding: "utf8" }).stdout);
  registry = await startRegistry(join(root, "registry"), `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${htpasswd}\n`);
  const tar = join(root, "app.tar");
  writeFileSync(tar, await smallRootfs("private"));
  expect(b(["import", "-q", tar, "app"]).status).toBe(0);
}, 60_000);
afterAll(() => registry.stop());

describe("login and logout", () => {
  it("refuses a wrong password and saves nothing", () => {
    const r = b(["login", "--tls-verify=false", "-u", "alice", "--password-stdin", registry.host], "wrong\n");
    expect([r.status, r.stderr]).toEqual([125, `Error: logging into "${registry.host}": invalid username/password\n`]);
    expect(existsSync(authFile)).toBe(false);
  });

  it("checks and saves good credentials (0600), which push and pull then use", () => {
    const r = b(["login", "--tls-verify=false", "-u", "alice", "--password-stdin", registry.host], "correct horse\n");
    expect([r.status, r.stdout]).toEqual([0, "Login Succeeded!\n"]);
    expect(statSync(authFile).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(authFile, "utf8")) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(saved.auths[registry.host]?.auth ?? "", "base64").toString()).toBe("alice:correct horse");
    expect(b(["push", "-q", "--tls-verify=false", "app", `${registry.host}/alice/app:1`]).status).toBe(0);
    expect(b(["tags", "--tls-verify=false", `docker://${registry.host}/alice/app`]).stdout).toContain('"1"');
  });

  it("logs out, after which the registry refuses", () => {
    expect(b(["logout", registry.host]).stdout).toBe(`Removed login credentials for ${registry.host}\n`);
    expect(b(["logout", registry.host]).stderr).toBe(`Error: not logged into ${registry.host}\n`);
    const refused = b(["pull", "--tls-verify=false", `${registry.host}/alice/app:1`]);
    expect(refused.status).toBe(125);
    expect(refused.stderr).toContain("authentication required (no credentials found; berth login?)");
  });
});
