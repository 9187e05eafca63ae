/**
 * podman's image and container housekeeping as its users and its own test
 * setups script it, run with podman 4.3.1 (vfs, temp root) and with berth on
 * the same store contents: the same exit codes, and the same essential
 * output (names, IDs, what was removed; stdout compared after IDs that are
 * random in each, such as container IDs, are masked).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { podman } from "../peers/podman.ts";
import { startRegistry } from "../peers/registry.ts";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const tars = { app: join(root, "app.tar"), spare: join(root, "spare.tar") };

/** One invocation on a store holding `localhost/app:latest`, `localhost/spare:latest` and a container `web` of app. */
interface Case {
  readonly args: ReadonlyArray<string>;
  /** Compare standard output too (after masking container IDs and relative times). */
  readonly output?: boolean;
}

const FILE = join(root, "FILE");
const cases: ReadonlyArray<Case> = [
  // container housekeeping, as podman's test setups run it
  { args: ["rm", "-t", "0", "--all", "--force", "--ignore"], output: true },
  { args: ["rm", "-f", "nosuch"], output: true },
  { args: ["rm", "--ignore", "nosuch"], output: true },
  { args: ["rm", "nosuch"] },
  { args: ["rm", "-t", "0", "web"] },
  { args: ["rm", "-f", "-t", "0", "web"], output: true },
  { args: ["rm", "--all"], output: true },
  { args: ["container", "rm", "web"], output: true },
  { args: ["container", "exists", "web"], output: true },
  { args: ["container", "exists", "nosuch"], output: true },
  { args: ["container", "ls", "-a", "--format", "{{.Names}} {{.Image}}"], output: true },
  { args: ["container", "list", "-a", "--format", "{{.Names}}"], output: true },
  { args: ["ps", "-a", "--format", "{{.Names}} {{.Status}}"], output: true },
  { args: ["ps", "-a", "-q", "--format", "{{.Names}}"], output: true },
  // image aliases
  { args: ["image", "ls", "--sort", "repository", "--format", "{{.Repository}}:{{.Tag}}"], output: true },
  { args: ["image", "list", "--sort", "repository", "--noheading", "--format", "table {{.Repository}}"], output: true },
  { args: ["image", "tag", "app", "extra:1"], output: true },
  { args: ["image", "untag", "spare"], output: true },
  { args: ["image", "rm", "spare"], output: true },
  { args: ["image", "rm", "--force", "nosuch"], output: true },
  { args: ["image", "rm", "nosuch"] },
  { args: ["image", "history", "--format", "{{.CreatedBy}}", "app"], output: true },
  { args: ["image", "inspect", "--format", "{{.Id}}", "app"], output: true },
  { args: ["image", "exists", "app"], output: true },
  { args: ["image", "exists", "nosuch"], output: true },
  { args: ["image", "save", "-o", FILE, "app"], output: true },
  { args: ["image", "import", "-q", join(root, "app.tar"), "imported"] },
  { args: ["image", "load", "-i", join(root, "nosuch.tar")] },
  { args: ["image", "tree", "nosuch"] },
  { args: ["image", "tree", "app"], output: true },
  { args: ["image", "prune", "-f"], output: true },
  { args: ["image", "mount", "app"] },
  { args: ["image", "mount", "nosuch"] },
  { args: ["image", "mount"], output: true },
  { args: ["image", "umount", "app"], output: true },
  { args: ["image", "umount", "nosuch"] },
  { args: ["image", "umount", "--all"], output: true },
  // global flags
  { args: ["--noout", "images"], output: true },
  { args: ["--noout", "image", "rm", "spare"], output: true },
  // save and load edge cases
  { args: ["save", "--uncompressed", "--format", "oci-dir", "-o", FILE, "app"], output: true },
  { args: ["save", "--format", "docker-dir", "-o", FILE, "app"], output: true },
  { args: ["save", "--format", "nosuch", "-o", FILE, "app"] },
  { args: ["save", "-o", FILE, "nosuch"] },
  { args: ["load", "-i", join(root, "junk.tar")] },
  { args: ["load", "-i", root] },
  // trust
  { args: ["image", "trust", "show", "--policypath", join(root, "nosuch.json")] },
  { args: ["image", "trust", "set", "--policypath", join(root, "policy.json"), "--type", "reject", "default"], output: true },
  { args: ["image", "trust", "set", "--policypath", join(root, "policy.json"), "--type", "nosuch", "default"] },
  // removal rules
  { args: ["rmi", "app"] },
  { args: ["rmi", "-f", "app"] },
  { args: ["rmi", "-a", "-f"] },
];

/** What may differ between two runs that did the same: container IDs (random), relative times, temp paths. */
const masked = (text: string): string =>
  text
    .replace(/\b[0-9a-f]{64}\b/g, "<id>")
    .replace(/\b[0-9a-f]{12}\b/g, "<id>")
    .replace(/(Less than a second|\d+ seconds?) ago/g, "<ago>")
    // image tree's image size: podman counts its storage's bookkeeping too (the layer sizes agree).
    .replace(/^Size: +\S+$/m, "Size:")
    .split(root)
    .join("<root>");

beforeAll(async () => {
  // Two different images: the same tarball imported twice in one second is one image to podman.
  for (const [name, file] of Object.entries(tars)) writeFileSync(file, await smallRootfs(`podman surface ${name}`));
  writeFileSync(join(root, "junk.tar"), "this is no archive\n");
}, 60_000);

let n = 0;
describe("podman's image commands, against podman 4.3.1", () => {
  it.each(cases.map((c) => [c.args.join(" "), c] as const))("%s", async (_shown, c) => {
    n++;
    const e = { ...env, BERTH_ROOT: join(root, `s-${n}`) };
    const home = join(root, `p-${n}`);
    mkdirSync(home, { recursive: true });
    for (const [name, file] of Object.entries(tars)) {
      expect(berth(["import", "-q", file, name], { env: e }).status).toBe(0);
      expect((await podman(home, ["import", "-q", file, `localhost/${name}`])).status).toBe(0);
    }
    expect(berth(["create", "--name", "web", "app", "/bin/true"], { env: e }).status).toBe(0);
    expect((await podman(home, ["create", "-q", "--name", "web", "localhost/app", "/bin/true"])).status).toBe(0);
    // Each writes to a path of its own.
    const own = (who: string) => c.args.map((a) => (a === FILE ? join(root, `${who}-${n}.out`) : a));
    const theirs = await podman(home, own("podman"));
    const ours = berth(own("berth"), { env: e });
    expect({ status: ours.status, stderrLines: ours.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("Try ")).length > 1 }).toEqual({ status: theirs.status, stderrLines: false });
    if (c.output === true) expect(masked(ours.stdout).replace(/berth-\d+/g, "x")).toBe(masked(theirs.stdout).replace(/podman-\d+/g, "x"));
  });
});

describe("image mount and umount, against podman 4.3.1", () => {
  it("count mounts as podman does: the same tree until the last umount, IDs printed for what was mounted", async () => {
    const e = { ...env, BERTH_ROOT: join(root, "mounts") };
    const home = join(root, "p-mounts");
    mkdirSync(home, { recursive: true });
    expect(berth(["import", "-q", tars.app, "app"], { env: e }).status).toBe(0);
    expect((await podman(home, ["import", "-q", tars.app, "localhost/app"])).status).toBe(0);
    const steps = [["image", "mount", "app"], ["image", "mount", "app"], ["image", "mount"], ["image", "umount", "app"], ["image", "umount", "app"], ["image", "umount", "app"], ["image", "mount"]];
    const ours: string[] = [];
    const theirs: string[] = [];
    for (const step of steps) {
      const b = berth(step, { env: e });
      const p = await podman(home, step);
      expect([step.join(" "), b.status]).toEqual([step.join(" "), p.status]);
      ours.push(b.stdout.replace(/\S*\/[0-9a-f]{64}\b/g, "<path>").replace(/\b[0-9a-f]{64}\b/g, "<id>"));
      theirs.push(p.stdout.replace(/\S*\/vfs\/dir\/[0-9a-f]{64}\b/g, "<path>").replace(/\b[0-9a-f]{64}\b/g, "<id>"));
    }
    expect(ours).toEqual(theirs);
    const path = berth(["image", "mount", "app"], { env: e }).stdout.trim();
    expect(readdirSync(path).length).toBeGreaterThan(0);
    expect(berth(["image", "umount", "app"], { env: e }).status).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(berth(["check"], { env: e }).stdout).toBe("the store is consistent\n");
  });
});

describe("image sign, against podman 4.3.1", () => {
  it("signs an image in a registry into a lookaside directory as podman does, and refuses what podman refuses", async () => {
    const registry = await startRegistry(join(root, "sign-registry"));
    try {
      // One GPG keyring and one registries.conf (the registry is plain HTTP) in each HOME.
      const homes = { berth: join(root, "sign-berth"), podman: join(root, "sign-podman") };
      const gnupg = join(homes.podman, ".gnupg");
      mkdirSync(gnupg, { recursive: true, mode: 0o700 });
      const gpg = (args: string[]) => spawnSync("gpg", ["--batch", ...args], { encoding: "utf8", env: { ...process.env, GNUPGHOME: gnupg } });
      expect(gpg(["--passphrase", "", "--quick-gen-key", "signer <signer@example.com>", "ed25519", "sign", "never"]).status).toBe(0);
      const fingerprint = /^fpr:+([0-9A-F]+):/m.exec(gpg(["--list-keys", "--with-colons", "signer@example.com"]).stdout)?.[1] ?? "";
      // The keyring, not the agent's sockets.
      cpSync(gnupg, join(homes.berth, ".gnupg"), { recursive: true, filter: (from) => !/\/S\.[^/]*$/.test(from) });
      for (const home of Object.values(homes)) {
        mkdirSync(join(home, ".config", "containers"), { recursive: true });
        writeFileSync(join(home, ".config", "containers", "registries.conf"), `[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`);
        mkdirSync(join(home, "sigs"));
      }
      const e = { ...env, BERTH_ROOT: join(root, "sign-store"), HOME: homes.berth };
      expect(berth(["import", "-q", tars.app, "app"], { env: e }).status).toBe(0);
      expect(berth(["push", "-q", "--tls-verify=false", "app", `${registry.host}/team/app:1`], { env: e }).status).toBe(0);
      const run = async (args: string[]) => ({ berth: berth(args.map((a) => a.replace("HOME", homes.berth)), { env: e }), podman: await podman(homes.podman, args.map((a) => a.replace("HOME", homes.podman))) });
      const signed = await run(["image", "sign", "--sign-by", fingerprint, "--directory", "HOME/sigs", `docker://${registry.host}/team/app:1`]);
      expect([signed.berth.status, signed.podman.status]).toEqual([0, 0]);
      const files = (home: string) => spawnSync("find", [join(home, "sigs"), "-type", "f"], { encoding: "utf8" }).stdout.split(home).join("");
      expect(files(homes.berth)).toBe(files(homes.podman));
      const claim = (home: string) => (JSON.parse(gpg(["--decrypt", files(home).trim().replace(/^/, home)]).stdout) as { critical: unknown }).critical;
      expect(claim(homes.berth)).toEqual(claim(homes.podman));
      for (const args of [
        ["image", "sign", "--directory", "HOME/sigs", `docker://${registry.host}/team/app:1`],
        ["image", "sign", "--sign-by", fingerprint, "--directory", "HOME/nowhere", `docker://${registry.host}/team/app:1`],
        ["image", "sign", "--sign-by", fingerprint, "--directory", "HOME/sigs", `${registry.host}/team/app:1`],
        ["image", "sign", "--sign-by", fingerprint, "--directory", "HOME/sigs", `docker://${registry.host}/team/nosuch:1`],
      ]) {
        const r = await run(args);
        expect([args.join(" "), r.berth.status]).toEqual([args.join(" "), r.podman.status]);
        expect(r.berth.stderr).toMatch(/^Error: [^\n]+\n$/);
      }
    } finally {
      await registry.stop();
    }
  });
});

describe("a store that lost a blob, as podman's own tests break theirs", () => {
  it("still lists the image, a pull repairs it, and rmi -f removes it, leaving the store consistent", async () => {
    const registry = await startRegistry(join(root, "lost-registry"));
    try {
      const e = { ...env, BERTH_ROOT: join(root, "lost-store") };
      const name = `${registry.host}/team/app:1`;
      const pusher = { ...env, BERTH_ROOT: join(root, "lost-pusher") };
      expect(berth(["import", "-q", tars.app, "app"], { env: pusher }).status).toBe(0);
      expect(berth(["push", "-q", "--tls-verify=false", "app", name], { env: pusher }).status).toBe(0);
      expect(berth(["pull", "-q", "--tls-verify=false", name], { env: e }).status).toBe(0);
      const manifest = (berth(["inspect", "--format", "{{.Digest}}", name], { env: e }).stdout.trim() || "sha256:").slice(7);
      const blobs = join(e.BERTH_ROOT, "blobs", "sha256");
      for (const lost of ["layer", "manifest"]) {
        const layer = (JSON.parse(readFileSync(join(blobs, manifest), "utf8")) as { layers: { digest: string }[] }).layers[0]?.digest.slice(7) ?? "";
        rmSync(join(blobs, lost === "layer" ? layer : manifest));
        expect(berth(["images", "--format", "{{.Repository}}:{{.Tag}}"], { env: e }).stdout.split("\n")).toContain(name);
        expect(berth(["pull", "-q", "--tls-verify=false", name], { env: e }).status).toBe(0);
        expect(existsSync(join(blobs, layer)) && existsSync(join(blobs, manifest))).toBe(true);
      }
      rmSync(join(blobs, manifest));
      const inspected = berth(["inspect", name], { env: e });
      expect(inspected.status).toBe(125);
      expect(inspected.stderr).toMatch(/^Error: blob sha256:[0-9a-f]{64} is missing from /);
      expect(berth(["rmi", "-f", name], { env: e }).status).toBe(0);
      expect(berth(["check"], { env: e }).stdout).toBe("the store is consistent\n");
    } finally {
      await registry.stop();
    }
  });
});

describe("image mounts that outlive their image", () => {
  it("are found by check and swept by check --repair", () => {
    const e = { ...env, BERTH_ROOT: join(root, "mount-leftovers") };
    expect(berth(["import", "-q", tars.app, "app"], { env: e }).status).toBe(0);
    const path = berth(["image", "mount", "app"], { env: e }).stdout.trim();
    expect(existsSync(path)).toBe(true);
    // rmi takes the image; the mount it had is a leftover now.
    expect(berth(["rmi", "app"], { env: e }).status).toBe(0);
    mkdirSync(join(e.BERTH_ROOT, "berth", "image-mounts", `.${"ab".repeat(32)}.999999-0000.tmp`));
    const checked = berth(["check"], { env: e });
    expect(checked.stdout).toMatch(/is counted as mounted but is gone/);
    expect(checked.stdout).toMatch(/interrupted image mount \./);
    expect(berth(["check", "--repair"], { env: e }).status).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(berth(["check"], { env: e }).stdout).toBe("the store is consistent\n");
    expect(berth(["image", "mount"], { env: e }).stdout).toBe("");
  });
});
