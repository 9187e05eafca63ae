/** berth trust show/set: the policy in words, and edits that keep the file valid (as podman image trust). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../tmp.ts";
import { berth } from "./berth.ts";

const root = tempDir();
const env = { HOME: join(root, "home"), BERTH_SYSTEM_CONFIG_DIR: join(root, "etc"), BERTH_TEST_NO_POLICY: "1" };
const file = join(root, "etc", "policy.json");

describe("berth trust", () => {
  it("sets requirements per scope and shows them, keeping the file valid", () => {
    mkdirSync(join(root, "etc"), { recursive: true });
    writeFileSync(file, JSON.stringify({ default: [{ type: "insecureAcceptAnything" }], transports: { "docker-daemon": { "": [{ type: "insecureAcceptAnything" }] } } }));
    expect(berth(["trust", "set", "--type", "reject", "default"], { env }).status).toBe(0);
    expect(berth(["trust", "set", "-t", "accept", "quay.io/team"], { env }).status).toBe(0);
    expect(berth(["trust", "set", "-t", "signedBy", "-f", "/etc/pki/a.gpg", "-f", "/etc/pki/b.gpg", "registry.example.com"], { env }).status).toBe(0);
    const shown = berth(["image", "trust", "show"], { env });
    expect(shown.stdout).toBe(
      [
        "TRANSPORT      SCOPE                 TYPE    KEYS",
        "all                                  reject",
        "docker-daemon  (default)             accept",
        "docker         quay.io/team          accept",
        "docker         registry.example.com  signed  /etc/pki/a.gpg, /etc/pki/b.gpg",
        "",
      ].join("\n"),
    );
    const doc = JSON.parse(readFileSync(file, "utf8")) as { transports: { docker: Record<string, unknown> } };
    expect(doc.transports.docker["registry.example.com"]).toEqual([{ type: "signedBy", keyType: "GPGKeys", keyPaths: ["/etc/pki/a.gpg", "/etc/pki/b.gpg"] }]);
  });

  it("refuses a type without keys, and an invalid file, changing nothing", () => {
    const before = readFileSync(file, "utf8");
    expect(berth(["trust", "set", "-t", "sigstoreSigned", "quay.io/x"], { env }).status).toBe(125);
    expect(readFileSync(file, "utf8")).toBe(before);
    writeFileSync(file, '{"default":[{"type":"reject"}],"default":[]}');
    const r = berth(["trust", "show"], { env });
    expect([r.status, r.stderr]).toEqual([125, `Error: ${file}: key "default" appears twice\n`]);
  });
});
