import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  authFileSearchPath,
  findCredentials,
  lookupKeys,
  normalizeAuthKey,
  primaryAuthFile,
  removeCredentials,
  setCredentials,
  type AuthFile,
} from "../../../core/auth/index.ts";
import { encodeBase64Text } from "../../../core/base64.ts";
import { runs } from "../arbitraries.ts";

const entry = (user: string, pass: string) => ({ auth: encodeBase64Text(`${user}:${pass}`) });
const file = (path: string, document: AuthFile["document"], legacy = false): AuthFile => ({ path, legacy, document });
const who = (files: ReadonlyArray<AuthFile>, name: string) => {
  const r = findCredentials(files, name);
  if (r === undefined) return "none";
  if (!("kind" in r)) return `problem ${r.file} ${r.key}: ${r.reason}`;
  return r.kind === "helper" ? `helper ${r.helper} for ${r.serverUrl} (${r.file})` : `${r.username}:${r.password} (${r.file} ${r.key})`;
};

describe("auth keys", () => {
  it("tries the most specific key first", () => {
    expect(lookupKeys("quay.io/ns/sub/repo")).toEqual(["quay.io/ns/sub/repo", "quay.io/ns/sub", "quay.io/ns", "quay.io"]);
    expect(lookupKeys("quay.io")).toEqual(["quay.io"]);
  });

  it("normalises URL keys and Docker Hub's spellings", () => {
    expect(normalizeAuthKey("https://index.docker.io/v1/", false)).toBe("index.docker.io");
    expect(normalizeAuthKey("docker.io", false)).toBe("index.docker.io");
    expect(normalizeAuthKey("registry-1.docker.io", false)).toBe("index.docker.io");
    expect(normalizeAuthKey("http://quay.io/some/path", false)).toBe("quay.io");
    expect(normalizeAuthKey("quay.io/ns/repo", false)).toBe("quay.io/ns/repo");
    expect(normalizeAuthKey("quay.io/ns/repo", true)).toBe("quay.io");
  });
});

describe("finding credentials", () => {
  const a = "/run/containers/0/auth.json";
  const b = "/root/.docker/config.json";

  it("prefers the most specific key, exact matches only for repositories", () => {
    const f = file(a, { auths: { "quay.io": entry("reg", "1"), "quay.io/ns": entry("ns", "2"), "quay.io/ns/repo": entry("repo", "3") } });
    expect(who([f], "quay.io/ns/repo")).toBe(`repo:3 (${a} quay.io/ns/repo)`);
    expect(who([f], "quay.io/ns/other")).toBe(`ns:2 (${a} quay.io/ns)`);
    expect(who([f], "quay.io/x/y")).toBe(`reg:1 (${a} quay.io)`);
    expect(who([f], "quay.io")).toBe(`reg:1 (${a} quay.io)`);
  });

  it("matches hosts exactly, never as a substring", () => {
    const f = file(a, { auths: { "quay.io": entry("u", "p"), "example.com": entry("e", "p") } });
    expect(who([f], "evilquay.io/x")).toBe("none");
    expect(who([f], "quay.io.evil.com/x")).toBe("none");
    expect(who([f], "example.com:5000/x")).toBe("none");
    expect(who([f], "sub.example.com/x")).toBe("none");
  });

  it("treats docker.io, index.docker.io and registry-1.docker.io as one registry", () => {
    const f = file(a, { auths: { "https://index.docker.io/v1/": entry("hub", "pw") } });
    expect(who([f], "docker.io/library/alpine")).toBe(`hub:pw (${a} https://index.docker.io/v1/)`);
    expect(who([file(a, { auths: { "docker.io": entry("hub", "pw") } })], "registry-1.docker.io/x/y")).toBe(`hub:pw (${a} docker.io)`);
  });

  it("takes the first file that has something, in order", () => {
    const files = [file(a, { auths: { "other.io": entry("o", "1") } }), file(b, { auths: { "quay.io": entry("d", "2") } })];
    expect(who(files, "quay.io/x")).toBe(`d:2 (${b} quay.io)`);
    expect(who([file(a, { auths: { "quay.io": entry("first", "1") } }), ...files], "quay.io/x")).toBe(`first:1 (${a} quay.io)`);
  });

  it("uses credHelpers for the host, then auths, then credsStore", () => {
    expect(who([file(b, { credHelpers: { "quay.io": "pass" }, auths: { "quay.io": entry("u", "p") } })], "quay.io/x")).toBe(`helper pass for quay.io (${b})`);
    expect(who([file(b, { credsStore: "desktop", auths: { "quay.io": entry("u", "p") } })], "quay.io/x")).toBe(`u:p (${b} quay.io)`);
    expect(who([file(b, { credsStore: "desktop", auths: { "quay.io": {} } })], "quay.io/x")).toBe(`helper desktop for quay.io (${b})`);
  });

  it("reads the legacy ~/.dockercfg by host", () => {
    const f = file("/root/.dockercfg", { auths: { "https://quay.io/v1/": entry("old", "pw") } }, true);
    expect(who([f], "quay.io/ns/repo")).toBe("old:pw (/root/.dockercfg https://quay.io/v1/)");
  });

  it("keeps identity tokens and passwords with colons", () => {
    const r = findCredentials([file(a, { auths: { "r.io": { ...entry("u", "a:b:c"), identitytoken: "tok" } } })], "r.io/x");
    expect(r).toEqual({ kind: "inline", username: "u", password: "a:b:c", identityToken: "tok", file: a, key: "r.io" });
  });

  it("names a malformed entry without printing it", () => {
    expect(who([file(a, { auths: { "r.io": { auth: "bm8tY29sb24=" } } })], "r.io/x")).toBe(`problem ${a} r.io: the auth field is not base64 of USER:PASSWORD`);
  });

  it("never throws on arbitrary keys and names", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.record({ auth: fc.string() }, { requiredKeys: [] })), fc.string(), (auths, name) => {
        const r = findCredentials([file(a, { auths })], name);
        expect(r === undefined || typeof r === "object").toBe(true);
      }),
      runs,
    );
  });
});

describe("editing auth files", () => {
  it("sets and removes entries, keeping everything else", () => {
    const doc = { auths: { "other.io": entry("o", "1") }, credHelpers: { "gcr.io": "gcloud" }, psFormat: "table" };
    const set = setCredentials("quay.io", "me", "secret")(doc);
    expect(set).toEqual({ ...doc, auths: { "other.io": entry("o", "1"), "quay.io": entry("me", "secret") } });
    const removed = removeCredentials("https://quay.io")(set);
    expect(removed).toEqual({ document: doc, removed: true });
    expect(removeCredentials("nothere.io")(doc).removed).toBe(false);
  });
});

describe("auth file locations", () => {
  const env = { home: "/home/u", uid: 1000 };
  it("follows podman's order", () => {
    expect(authFileSearchPath({ ...env, env: { XDG_RUNTIME_DIR: "/run/user/1000" } }).map((l) => l.path)).toEqual([
      "/run/user/1000/containers/auth.json",
      "/home/u/.config/containers/auth.json",
      "/home/u/.docker/config.json",
      "/home/u/.dockercfg",
    ]);
    expect(authFileSearchPath({ ...env, env: { XDG_CONFIG_HOME: "/cfg", DOCKER_CONFIG: "/dk" } }).map((l) => l.path)).toEqual([
      "/run/containers/1000/auth.json",
      "/cfg/containers/auth.json",
      "/dk/config.json",
      "/home/u/.dockercfg",
    ]);
  });
  it("lets --authfile and REGISTRY_AUTH_FILE replace every default", () => {
    expect(authFileSearchPath({ ...env, env: { REGISTRY_AUTH_FILE: "/x.json" } })).toEqual([{ path: "/x.json", legacy: false }]);
    expect(authFileSearchPath({ ...env, env: { REGISTRY_AUTH_FILE: "/x.json" }, authFile: "/y.json" })).toEqual([{ path: "/y.json", legacy: false }]);
    expect(primaryAuthFile({ ...env, env: {}, authFile: "/y.json" })).toBe("/y.json");
  });
});
