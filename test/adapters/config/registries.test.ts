import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { loadAliasCache, loadRegistries, recordAlias, registriesFiles } from "../../../adapters/config/registries.ts";
import { tempDir } from "../../tmp.ts";

const setup = () => {
  const root = tempDir();
  const home = join(root, "home");
  const system = join(root, "etc");
  mkdirSync(join(system, "registries.conf.d"), { recursive: true });
  mkdirSync(join(home, ".config/containers/registries.conf.d"), { recursive: true });
  const host = (env: Record<string, string> = {}) => ({ home, uid: 1000, env: { HOME: home, ...env } });
  const write = (path: string, text: string) => {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  return { root, home, system, host, write };
};

describe("finding registries.conf", () => {
  it("reads the system file, then system drop-ins, then user drop-ins, *.conf only, in lexical order", async () => {
    const { home, system, host, write } = setup();
    write(join(system, "registries.conf"), 'unqualified-search-registries = ["a.io"]\n');
    write(join(system, "registries.conf.d/20-b.conf"), 'unqualified-search-registries = ["b.io"]\n');
    write(join(system, "registries.conf.d/10-c.conf"), 'unqualified-search-registries = ["c.io"]\n');
    write(join(system, "registries.conf.d/99-ignored.toml"), 'unqualified-search-registries = ["ignored.io"]\n');
    write(join(home, ".config/containers/registries.conf.d/50-user.conf"), '[aliases]\n"app" = "u.io/app"\n');
    const r = await loadRegistries(host(), { systemDir: system });
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect(r.right.config.files).toEqual([
      join(system, "registries.conf"),
      join(system, "registries.conf.d/10-c.conf"),
      join(system, "registries.conf.d/20-b.conf"),
      join(home, ".config/containers/registries.conf.d/50-user.conf"),
    ]);
    expect(r.right.config.unqualifiedSearchRegistries).toEqual(["b.io"]);
    expect(r.right.config.aliases["app"]?.value).toBe("u.io/app");
  });

  it("uses the user's own registries.conf instead of the system's, with only the user drop-ins", async () => {
    const { home, system, host, write } = setup();
    write(join(system, "registries.conf"), 'unqualified-search-registries = ["system.io"]\n');
    write(join(system, "registries.conf.d/10.conf"), '[aliases]\n"sys" = "s.io/sys"\n');
    const user = write(join(home, ".config/containers/registries.conf"), 'unqualified-search-registries = ["user.io"]\n');
    const files = await registriesFiles(host(), { systemDir: system });
    expect(files).toEqual({ primary: user, primaryRequired: false, dropInDirs: [join(home, ".config/containers/registries.conf.d")] });
    const r = await loadRegistries(host(), { systemDir: system });
    expect(E.isRight(r) && [r.right.config.unqualifiedSearchRegistries, r.right.config.aliases]).toEqual([["user.io"], {}]);
  });

  it("takes an explicit file from the option, CONTAINERS_REGISTRIES_CONF or REGISTRIES_CONFIG_PATH, with the drop-ins", async () => {
    const { root, system, host, write } = setup();
    const a = write(join(root, "a.conf"), 'unqualified-search-registries = ["a.io"]\n');
    const b = write(join(root, "b.conf"), 'unqualified-search-registries = ["b.io"]\n');
    const c = write(join(root, "c.conf"), 'unqualified-search-registries = ["c.io"]\n');
    const usr = async (env: Record<string, string>, file?: string) => {
      const r = await loadRegistries(host(env), { systemDir: system, ...(file === undefined ? {} : { file }) });
      return E.isRight(r) ? r.right.config.unqualifiedSearchRegistries : r.left.message;
    };
    expect(await usr({ REGISTRIES_CONFIG_PATH: c })).toEqual(["c.io"]);
    expect(await usr({ REGISTRIES_CONFIG_PATH: c, CONTAINERS_REGISTRIES_CONF: b })).toEqual(["b.io"]);
    expect(await usr({ CONTAINERS_REGISTRIES_CONF: b }, a)).toEqual(["a.io"]);
  });

  it("treats a missing default file as empty, and a missing explicit file as an error", async () => {
    const { root, system, host } = setup();
    const empty = await loadRegistries(host(), { systemDir: system });
    expect(E.isRight(empty) && empty.right.config.registries).toEqual([]);
    const missing = join(root, "nope.conf");
    const r = await loadRegistries(host({ CONTAINERS_REGISTRIES_CONF: missing }), { systemDir: system });
    expect(E.isLeft(r) && [r.left.code, r.left.message]).toEqual(["CONFIG_NOT_FOUND", `${missing}: registries configuration file not found`]);
  });

  it("names the file and line of bad TOML, and the file and key of a bad value; nothing is half-applied", async () => {
    const { system, host, write } = setup();
    write(join(system, "registries.conf"), 'unqualified-search-registries = ["a.io"]\n');
    const bad = write(join(system, "registries.conf.d/10.conf"), "[[registry]\nlocation = 1\n");
    const r = await loadRegistries(host(), { systemDir: system });
    expect(E.isLeft(r) && r.left.message).toMatch(new RegExp(`^${bad}:1: invalid TOML: `));
    write(bad, '[[registry]]\nlocation = "x.io"\nblocked = "no"\n');
    const r2 = await loadRegistries(host(), { systemDir: system });
    expect(E.isLeft(r2) && r2.left.message).toBe(`${bad}: key "registry.0.blocked": expected boolean, found the string "no"`);
  });

  it("reads the alias cache, and a missing one is empty", async () => {
    const { root, host, write } = setup();
    const file = join(root, "short-name-aliases.conf");
    expect(await loadAliasCache(host(), { aliasCacheFile: file })).toEqual(E.right({ file, aliases: {} }));
    write(file, '[aliases]\n"app" = "quay.io/app"\n');
    expect(await loadAliasCache(host(), { aliasCacheFile: file })).toEqual(E.right({ file, aliases: { app: "quay.io/app" } }));
  });

  it("records a chosen alias in the cache, keeping the others, and the cache then wins", async () => {
    const { root, host, write } = setup();
    const file = join(root, "cache/short-name-aliases.conf");
    expect(await recordAlias(host(), "app", "quay.io/team/app", { aliasCacheFile: file })).toEqual(E.right({ file, aliases: { app: "quay.io/team/app" } }));
    expect(await recordAlias(host(), "tool", "localhost:5000/tool", { aliasCacheFile: file })).toEqual(
      E.right({ file, aliases: { app: "quay.io/team/app", tool: "localhost:5000/tool" } }),
    );
    write(join(root, "c.conf"), "");
    expect(await loadAliasCache(host(), { aliasCacheFile: file })).toEqual(E.right({ file, aliases: { app: "quay.io/team/app", tool: "localhost:5000/tool" } }));
  });
});
