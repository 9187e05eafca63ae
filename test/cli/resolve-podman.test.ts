/**
 * berth resolves names as podman does for the same files: each case is a
 * registries.conf whose registries are all loopback ports where nothing
 * listens, so podman reports every name and location it tried.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { candidateError, podmanPull, sourcesTried } from "../peers/podman.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const digest = `sha256:${"a".repeat(64)}`;

interface Case {
  readonly title: string;
  readonly conf: string;
  readonly names: ReadonlyArray<string>;
  /** A drop-in in the user's registries.conf.d. */
  readonly userDropIn?: string;
}

const cases: ReadonlyArray<Case> = [
  {
    title: "search registries with a rewritten prefix and mirrors",
    conf: 'unqualified-search-registries = ["127.0.0.1:1", "localhost:2"]\n[[registry]]\nprefix = "127.0.0.1:1/foo"\nlocation = "127.0.0.1:3/bar"\n[[registry.mirror]]\nlocation = "127.0.0.1:4/m"\n[[registry.mirror]]\nlocation = "127.0.0.1:5/n"\ninsecure = true\n',
    names: ["foo/x:1", "other/y"],
  },
  {
    title: "mirror-by-digest-only for tag and digest pulls",
    conf: 'unqualified-search-registries = ["127.0.0.1:1"]\n[[registry]]\nprefix = "127.0.0.1:1/lib"\nlocation = "127.0.0.1:2/lib"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "127.0.0.1:3/m"\n',
    names: ["lib/x:2", `lib/x@${digest}`],
  },
  {
    title: "an alias from a user drop-in, with the tag carried over",
    conf: 'unqualified-search-registries = ["127.0.0.1:1"]\n[aliases]\n"berthapp" = "127.0.0.1:9/team/app"\n',
    userDropIn: '[aliases]\n"berthapp" = "127.0.0.1:8/team/app"\n"berthtool" = "127.0.0.1:7/tool"\n',
    names: ["berthapp:3", "berthtool"],
  },
  {
    title: "fully-qualified names and the longest prefix",
    conf: '[[registry]]\nprefix = "127.0.0.1:1"\nlocation = "127.0.0.1:2"\n[[registry]]\nprefix = "127.0.0.1:1/ns"\nlocation = "127.0.0.1:3/other"\n',
    names: ["127.0.0.1:1/ns/app:1", "127.0.0.1:1/top/app", "localhost:4/app"],
  },
  {
    title: "a v1 file",
    conf: "[registries.search]\nregistries = ['127.0.0.1:1', '127.0.0.1:2']\n[registries.insecure]\nregistries = ['127.0.0.1:2']\n",
    names: ["v1app"],
  },
  {
    title: "a wildcard prefix",
    // podman 4.3 cannot rewrite a wildcard prefix without a location (newer containers/image keeps the name; so does berth).
    conf: '[[registry]]\nprefix = "*.0.0.1"\nlocation = "127.0.0.1:6/wild"\n[[registry.mirror]]\nlocation = "127.0.0.1:7/m"\n',
    names: ["127.0.0.1/ns/app:1"],
  },
];

describe.concurrent("berth resolve agrees with podman", () => {
  const root = tempDir();

  it.each(cases.map((c, i) => [c.title, c, i] as const))("%s", async (_title, c, i) => {
    const home = join(root, `case${i}`);
    mkdirSync(join(home, ".config/containers/registries.conf.d"), { recursive: true });
    const conf = join(home, "registries.conf");
    writeFileSync(conf, c.conf);
    if (c.userDropIn !== undefined) writeFileSync(join(home, ".config/containers/registries.conf.d/50-berth.conf"), c.userDropIn);
    const env = { CONTAINERS_REGISTRIES_CONF: conf, HOME: home };
    const podman = await Promise.all(c.names.map((n) => podmanPull(conf, n, home)));
    for (const [j, name] of c.names.entries()) {
      const r = berth(["resolve", "--format", "json", name], { env });
      expect(r.stderr).toBe("");
      const plan = JSON.parse(r.stdout) as { candidates: { name: string; sources: { reference: string }[] }[] };
      const p = podman[j];
      expect(p?.tried).toEqual(plan.candidates.map((x) => x.name));
      for (const cand of plan.candidates) {
        const refs = cand.sources.map((s) => s.reference);
        expect(candidateError(p?.error ?? "", cand.name)).not.toBe("");
        expect(sourcesTried(p?.error ?? "", cand.name, refs)).toEqual(refs);
      }
      const human = berth(["resolve", name], { env });
      if (p?.resolution !== undefined) expect(human.stdout.split("\n")[0]).toBe(p.resolution);
    }
  });

  it("fails the same way in enforcing mode without a terminal, and without search registries", async () => {
    const home = join(root, "errors");
    mkdirSync(home, { recursive: true });
    const enforcing = join(home, "enforcing.conf");
    writeFileSync(enforcing, 'short-name-mode = "enforcing"\nunqualified-search-registries = ["127.0.0.1:1", "127.0.0.1:2"]\n');
    const none = join(home, "none.conf");
    writeFileSync(none, 'short-name-mode = "permissive"\n');
    for (const conf of [enforcing, none]) {
      const p = await podmanPull(conf, "berthnothing", home);
      const b = berth(["resolve", "berthnothing"], { env: { CONTAINERS_REGISTRIES_CONF: conf, HOME: home } });
      expect(b.status).toBe(125);
      expect(b.stderr).toBe(`${p.error}\n`);
    }
  });
});
