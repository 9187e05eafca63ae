/** The store root is an OCI layout: skopeo and umoci read what berth wrote. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { smallRootfs } from "../tarballs.ts";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const store = join(root, "store");
const env = { BERTH_ROOT: store, HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc") };
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, HOME: join(root, "home") } });

describe("the store as an OCI layout", () => {
  it("is read by skopeo and unpacked by umoci with the same digests", async () => {
    const tar = join(root, "app.tar");
    writeFileSync(tar, await smallRootfs("for the peers"));
    expect(berth(["import", "-q", "-c", "LABEL made.by=berth", tar, "app"], { env }).status).toBe(0);
    const mine = (JSON.parse(berth(["inspect", "app"], { env }).stdout) as { Digest: string; RootFS: { Layers: string[] }; Labels: Record<string, string> }[])[0];

    const inspected = run("skopeo", ["inspect", `oci:${store}:localhost/app:latest`]);
    expect(inspected.stderr).toBe("");
    const theirs = JSON.parse(inspected.stdout) as { Digest: string; Layers: string[]; Labels: Record<string, string> };
    expect(theirs.Digest).toBe(mine?.Digest);
    expect(theirs.Layers).toEqual(mine?.RootFS.Layers);
    expect(theirs.Labels).toEqual({ "made.by": "berth" });

    const copy = run("skopeo", ["copy", `oci:${store}:localhost/app:latest`, `oci:${join(root, "copy")}:app`]);
    expect(copy.status).toBe(0);

    const bundle = join(root, "bundle");
    const unpacked = run("umoci", ["unpack", "--rootless", "--image", `${store}:localhost/app:latest`, bundle]);
    expect(unpacked.stderr).toBe("");
    expect(readFileSync(join(bundle, "rootfs/etc/hello"), "utf8")).toBe("for the peers\n");
  });
});
