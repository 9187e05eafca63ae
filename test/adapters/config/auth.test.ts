import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsFor, forgetAllCredentials, forgetCredentials, runCredentialHelper, saveCredentials } from "../../../adapters/config/auth.ts";
import { tempDir } from "../../tmp.ts";

const root = tempDir();
const home = join(root, "home");
const bin = join(root, "bin");
const runtime = join(root, "run");
const host = (env: Record<string, string> = {}) => ({ home, uid: 1000, env: { HOME: home, XDG_RUNTIME_DIR: runtime, ...env } });

/** A credential helper speaking the docker-credential protocol: one known server, a slow one, a broken one. */
const helper = `#!/bin/sh
[ "$1" = get ] || exit 2
read server
case "$server" in
  helped.example) printf '{"ServerURL":"%s","Username":"hu","Secret":"hs"}' "$server" ;;
  token.example) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh"}' "$server" ;;
  slow.example) sleep 5 ;;
  broken.example) echo "exploded" >&2; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

const savedPath = process.env["PATH"];
beforeAll(() => {
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "docker-credential-berthtest"), helper);
  chmodSync(join(bin, "docker-credential-berthtest"), 0o755);
  process.env["PATH"] = `${bin}:${savedPath ?? ""}`;
});
afterAll(() => {
  process.env["PATH"] = savedPath;
});

describe("saving credentials", () => {
  it("writes the primary auth file atomically with mode 0600 in a 0700 directory, keeping other entries", async () => {
    expect(await saveCredentials(host(), "quay.io", "me", "s3cret")).toEqual(E.right(undefined));
    expect(await saveCredentials(host(), "localhost:5000/ns", "other", "pw")).toEqual(E.right(undefined));
    const path = join(runtime, "containers/auth.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(runtime, "containers")).mode & 0o777).toBe(0o700);
    const doc = JSON.parse(readFileSync(path, "utf8")) as { auths: Record<string, { auth: string }> };
    expect(Object.keys(doc.auths)).toEqual(["quay.io", "localhost:5000/ns"]);
    expect(Buffer.from(doc.auths["quay.io"]?.auth ?? "", "base64").toString()).toBe("me:s3cret");
    expect(await credentialsFor(host(), "quay.io/x/y")).toEqual(E.right({ username: "me", password: "s3cret" }));
    expect(await credentialsFor(host(), "localhost:5000/ns/app")).toEqual(E.right({ username: "other", password: "pw" }));
  });

  it("forgets one registry, reports whether it was there, and forgets all", async () => {
    expect(await forgetCredentials(host(), "quay.io")).toEqual(E.right(true));
    expect(await forgetCredentials(host(), "quay.io")).toEqual(E.right(false));
    expect(await credentialsFor(host(), "quay.io/x")).toEqual(E.right(undefined));
    expect(await forgetAllCredentials(host())).toEqual(E.right(undefined));
    expect(await credentialsFor(host(), "localhost:5000/ns/app")).toEqual(E.right(undefined));
  });

  it("writes to --authfile when given", async () => {
    const file = join(root, "explicit/auth.json");
    expect(await saveCredentials(host(), "r.io", "u", "p", { authFile: file })).toEqual(E.right(undefined));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await credentialsFor(host({ REGISTRY_AUTH_FILE: file }), "r.io/x")).toEqual(E.right({ username: "u", password: "p" }));
  });
});

describe("reading credentials", () => {
  it("asks credential helpers from docker's config.json, per registry and as credsStore", async () => {
    mkdirSync(join(home, ".docker"), { recursive: true });
    writeFileSync(join(home, ".docker/config.json"), JSON.stringify({ credHelpers: { "helped.example": "berthtest" }, credsStore: "berthtest", auths: {} }));
    expect(await credentialsFor(host(), "helped.example/app")).toEqual(E.right({ username: "hu", password: "hs" }));
    expect(await credentialsFor(host(), "token.example/app")).toEqual(E.right({ username: "", password: "", identityToken: "refresh" }));
    expect(await credentialsFor(host(), "unknown.example/app")).toEqual(E.right(undefined));
  });

  it("reports a failing or slow helper in one line without its output", async () => {
    const broken = await runCredentialHelper("berthtest", "broken.example");
    expect(E.isLeft(broken) && broken.left.message).toBe("credential helper docker-credential-berthtest for broken.example failed (exit 3)");
    const slow = await runCredentialHelper("berthtest", "slow.example", 300);
    expect(E.isLeft(slow) && slow.left.message).toBe("credential helper docker-credential-berthtest for slow.example stopped (SIGTERM)");
    const missing = await runCredentialHelper("nosuchhelper", "x.example");
    expect(E.isLeft(missing) && missing.left.message).toMatch(/^credential helper docker-credential-nosuchhelper: .*ENOENT/);
    const odd = await runCredentialHelper("../evil", "x.example");
    expect(E.isLeft(odd) && odd.left.message).toBe('credential helper name "../evil" is not a plain name');
  });

  it("names a malformed auth file", async () => {
    const file = join(root, "bad.json");
    writeFileSync(file, '{"auths": {"r.io": {"auth": 5}}}');
    const r = await credentialsFor(host({ REGISTRY_AUTH_FILE: file }), "r.io/x");
    expect(E.isLeft(r) && r.left.message).toBe(`${file}: key "auths.r.io.auth": expected string, found number 5`);
    writeFileSync(file, "{not json");
    const r2 = await credentialsFor(host({ REGISTRY_AUTH_FILE: file }), "r.io/x");
    expect(E.isLeft(r2) && r2.left.message).toMatch(new RegExp(`^${file}: invalid JSON: `));
  });
});
