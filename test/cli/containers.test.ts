import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeTar, smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = { BERTH_ROOT: join(root, "store"), HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const b = (...args: string[]) => berth(args, { env });

describe("containers", () => {
  it("creates a root filesystem from an image, lists, mounts and removes it", async () => {
    const tar = join(root, "app.tar");
    writeFileSync(tar, await smallRootfs("in the container"));
    expect(b("import", "-q", tar, "app").status).toBe(0);
    const created = b("create", "--name", "web", "app");
    expect(created.status).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    const mount = b("mount", "web").stdout.trim();
    expect(readFileSync(join(mount, "etc/hello"), "utf8")).toBe("in the container\n");
    expect(b("ps", "-q").stdout).toBe(`${id.slice(0, 12)}\n`);
    const listed = JSON.parse(b("ps", "--format", "json").stdout) as { Id: string; Names: string[]; Image: string }[];
    expect(listed).toMatchObject([{ Id: id, Names: ["web"], Image: "localhost/app:latest" }]);
    expect(b("create", "--name", "web", "app").stderr).toBe('Error: the container name "web" is already in use\n');

    const inUse = b("rmi", "app");
    expect([inUse.status, inUse.stderr]).toEqual([2, `Error: image used by ${id.slice(0, 12)}: image is in use by a container: consider removing the container or force-removing the image\n`]);
    expect(JSON.parse(b("images", "--filter", "containers=true", "--format", "json").stdout)).toHaveLength(1);

    // As podman: what was removed, as it was named.
    expect(b("rm", "web").stdout).toBe("web\n");
    expect(existsSync(mount)).toBe(false);
    expect(b("rm", "web").status).toBe(1);
    expect(b("rm", "-f", "web").status).toBe(0);
  });

  it("rmi -f removes the containers using the image", () => {
    const id = b("create", "app").stdout.trim();
    const mount = b("mount", id.slice(0, 8)).stdout.trim();
    expect(existsSync(mount)).toBe(true);
    const forced = b("rmi", "-f", "app");
    expect(forced.status).toBe(0);
    expect(existsSync(mount)).toBe(false);
    expect(b("ps", "-q").stdout).toBe("");
    expect(b("check").stdout).toBe("the store is consistent\n");
  });

  it("refuses a hostile layer and leaves nothing behind", async () => {
    const evil = join(root, "evil.tar");
    writeFileSync(evil, await makeTar([{ name: "ok", content: "fine" }, { name: "../../../../escape", content: "pwned" }]));
    expect(b("import", "-q", evil, "evil").status).toBe(0);
    const r = b("create", "evil");
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^Error: creating a container from [a-f0-9]{12}: layer entry "..\/..\/..\/..\/escape" leaves the root with ".."\n$/);
    expect(b("ps", "-q").stdout).toBe("");
    expect(b("check").stdout).toBe("the store is consistent\n");
  });
});
