import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const system = join(root, "etc");
mkdirSync(join(system, "registries.conf.d"), { recursive: true });
const conf = (name: string, text: string): string => {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
};
const env = (file: string) => ({ CONTAINERS_REGISTRIES_CONF: file, HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: system });

describe("berth resolve", () => {
  const file = conf(
    "search.conf",
    'unqualified-search-registries = ["127.0.0.1:5999", "localhost:5998"]\n[[registry]]\nprefix = "127.0.0.1:5999/foo"\nlocation = "127.0.0.1:5997/bar"\n[[registry.mirror]]\nlocation = "127.0.0.1:5996/m"\ninsecure = true\n',
  );

  it("prints each candidate with its mirrors and primary location", () => {
    const r = berth(["resolve", "foo/x:1"], { env: env(file) });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        `Resolving "foo/x" using unqualified-search registries (${file})`,
        "  127.0.0.1:5999/foo/x:1",
        "    mirror  127.0.0.1:5996/m/x:1 (insecure)",
        "    primary 127.0.0.1:5997/bar/x:1",
        "  localhost:5998/foo/x:1",
        "    primary localhost:5998/foo/x:1",
        "",
      ].join("\n"),
    );
  });

  it("prints the plan as JSON", () => {
    const r = berth(["resolve", "--format", "json", "foo/x"], { env: env(file) });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      mode: "permissive",
      ask: false,
      candidates: [
        {
          name: "127.0.0.1:5999/foo/x:latest",
          origin: "search",
          file,
          record: false,
          sources: [
            { reference: "127.0.0.1:5996/m/x:latest", insecure: true, mirror: true },
            { reference: "127.0.0.1:5997/bar/x:latest", insecure: false, mirror: false },
          ],
        },
        { name: "localhost:5998/foo/x:latest", origin: "search", file, record: false, sources: [{ reference: "localhost:5998/foo/x:latest", insecure: false, mirror: false }] },
      ],
    });
  });

  it("takes --registries-conf over the environment", () => {
    const other = conf("alias.conf", '[aliases]\n"app" = "localhost:5000/team/app"\n');
    const r = berth(["resolve", "--registries-conf", other, "app:2"], { env: env(file) });
    expect(r.stdout).toBe(`Resolved "app" as an alias (${other})\n  localhost:5000/team/app:2\n    primary localhost:5000/team/app:2\n`);
  });

  it("fails in one line, exit 125, for a bad file, a bad name or an enforced short name", () => {
    const bad = conf("bad.conf", '[[registry]]\nlocation = "https://x"\n');
    const r1 = berth(["resolve", "x"], { env: env(bad) });
    expect([r1.status, r1.stderr]).toEqual([125, `Error: ${bad}: location "https://x": URI schemes are not supported\n`]);
    const r2 = berth(["resolve", "Not/Valid"], { env: env(file) });
    expect([r2.status, r2.stderr]).toEqual([125, 'Error: parsing "Not/Valid": repository name must be lowercase\n']);
    const enforcing = conf("enforcing.conf", 'short-name-mode = "enforcing"\nunqualified-search-registries = ["localhost:1", "localhost:2"]\n');
    const r3 = berth(["resolve", "x"], { env: env(enforcing) });
    expect([r3.status, r3.stderr]).toEqual([125, "Error: short-name resolution enforced but cannot prompt without a TTY\n"]);
    expect(berth(["resolve"], { env: env(file) }).status).toBe(125);
    // Any other --format is a Go template, as podman's: a broken one is refused in one line.
    expect(berth(["resolve", "--format", "{{.mode", "x"], { env: env(file) })).toMatchObject({ status: 125, stderr: "Error: template: 1:1: unclosed action\n" });
  });

  it("warns about unknown keys on stderr and still resolves", () => {
    const odd = conf("odd.conf", 'unqualified-search-registries = ["localhost:1"]\ncolour = "blue"\n');
    const r = berth(["resolve", "x"], { env: env(odd) });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`Warning: ${odd}: unknown key "colour" ignored\n`);
  });
});
