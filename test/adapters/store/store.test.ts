import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { hasDescribed, putBlob } from "../../../adapters/store/blobs.ts";
import { checkStore } from "../../../adapters/store/check.ts";
import { readState, transaction, type Store } from "../../../adapters/store/store.ts";
import type { Digest } from "../../../core/reference/index.ts";
import { importTarball } from "../../../plugins/tarball/import.ts";
import { gzip, smallRootfs } from "../../tarballs.ts";
import { freshStores } from "../../stores.ts";
import { tempDir } from "../../tmp.ts";

const root = tempDir();
const fresh = freshStores(root);
const chunks = async function* (b: Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
};
const blobFiles = (s: Store): string[] => readdirSync(join(s.root, "blobs/sha256")).sort();
const imported = (name?: string) => ({ created: "2024-06-01T00:00:00.000Z", source: "test.tar", ...(name === undefined ? {} : { name }) });

describe("blob ingest", () => {
  const bytes = new TextEncoder().encode("some blob content");
  const right = "sha256:2aaa29a23d2b3d5bb7a23d05d4bd8e3def48f31bf5d9b7a7d2ec2a25f5c5ff3b" as Digest;

  it("stores verified bytes under their digest", async () => {
    const s = await fresh();
    const r = await putBlob(s, chunks(bytes));
    expect(E.isRight(r) && r.right.size).toBe(bytes.length);
    if (E.isRight(r)) {
      expect(blobFiles(s)).toEqual([r.right.digest.slice(7)]);
      expect(readFileSync(join(s.root, "blobs/sha256", r.right.digest.slice(7)), "utf8")).toBe("some blob content");
    }
  });

  it("makes its directories again when they were removed after an earlier blob", async () => {
    const s = await fresh();
    const first = await putBlob(s, chunks(bytes));
    expect(E.isRight(first)).toBe(true);
    rmSync(s.ingestDir, { recursive: true });
    rmSync(join(s.root, "blobs"), { recursive: true });
    const again = await putBlob(s, chunks(bytes));
    expect(E.isRight(again) && again.right.digest).toBe(E.isRight(first) && first.right.digest);
    expect(blobFiles(s)).toHaveLength(1);
    expect(readdirSync(s.ingestDir)).toEqual([]);
    // Only the blob directory gone: the ingest file is written, and renamed into a directory made again.
    rmSync(join(s.root, "blobs"), { recursive: true });
    const third = await putBlob(s, chunks(new TextEncoder().encode("another")));
    expect(E.isRight(third)).toBe(true);
    expect(blobFiles(s)).toHaveLength(1);
  });

  it("finds blobs only where they are, in a store with no blob directory yet or one that has some", async () => {
    const base = join(root, "bare");
    const bare = { root: base, ingestDir: join(base, "ingest") };
    const asked = [{ digest: right }, { digest: `sha256:${"3".repeat(64)}` }, { digest: "sha256:short" }];
    expect(await Promise.all(asked.map((d) => hasDescribed(bare, d)))).toEqual([false, false, false]);
    const r = await putBlob(bare, chunks(bytes));
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect(await Promise.all([...asked, { digest: r.right.digest }].map((d) => hasDescribed(bare, d)))).toEqual([false, false, false, true]);
    // A directory where the blob would be is not the blob.
    const s = await fresh();
    const d = await putBlob(s, chunks(bytes));
    if (E.isLeft(d)) throw new Error(d.left.message);
    rmSync(join(s.root, "blobs", "sha256", d.right.digest.slice(7)));
    mkdirSync(join(s.root, "blobs", "sha256", d.right.digest.slice(7)));
    expect(await hasDescribed(s, { digest: d.right.digest })).toBe(false);
  });

  it("refuses a wrong digest or size and leaves nothing behind", async () => {
    const s = await fresh();
    const wrongDigest = await putBlob(s, chunks(bytes), { digest: right });
    expect(E.isLeft(wrongDigest) && wrongDigest.left.code).toBe("DIGEST_MISMATCH");
    const tooLong = await putBlob(s, chunks(bytes), { size: 5 });
    expect(E.isLeft(tooLong) && tooLong.left.message).toBe("blob (unknown digest): more than the expected 5 bytes");
    const tooShort = await putBlob(s, chunks(bytes), { size: 500 });
    expect(E.isLeft(tooShort) && tooShort.left.code).toBe("SIZE_MISMATCH");
    expect(blobFiles(s)).toEqual([]);
    expect(readdirSync(s.ingestDir)).toEqual([]);
  });
});

describe("transaction", () => {
  it("commits only when every blob the new state needs is there, and names the first that is not", async () => {
    const s = await fresh();
    const stored: string[] = [];
    for (const text of ["first blob", "second blob"]) {
      const r = await putBlob(s, chunks(new TextEncoder().encode(text)));
      if (E.isLeft(r)) throw new Error(r.left.message);
      stored.push(r.right.digest);
    }
    const missing = [`sha256:${"1".repeat(64)}`, `sha256:${"2".repeat(64)}`];
    const before = await readState(s);
    const refused = await transaction(s, async (state) => E.right({ state: { ...state, images: [] }, result: "done", requiredBlobs: [stored[0]!, missing[0]!, stored[1]!, missing[1]!] }));
    expect(E.isLeft(refused) && refused.left).toMatchObject({ code: "BLOB_NOT_FOUND", message: `blob ${missing[0]} vanished before commit (removed concurrently); try again` });
    expect(await readState(s)).toEqual(before);
    const malformed = await transaction(s, async (state) => E.right({ state, result: "done", requiredBlobs: ["sha256:not-hex"] }));
    expect(E.isLeft(malformed) && malformed.left.code).toBe("BLOB_NOT_FOUND");
    const committed = await transaction(s, async (state) => E.right({ state, result: "done", requiredBlobs: stored }));
    expect(committed).toEqual(E.right("done"));
  });
});

describe("import", () => {
  it("makes a one-layer image from a plain or gzip tarball with the same layer", async () => {
    const s = await fresh();
    const tar = await smallRootfs();
    const a = await importTarball(s, chunks(tar, 1000), imported("plain"));
    const b = await importTarball(s, chunks(gzip(tar), 100), imported("example.com/zipped:v1"));
    if (E.isLeft(a) || E.isLeft(b)) throw new Error("import failed");
    expect([a.right.name, b.right.name]).toEqual(["localhost/plain:latest", "example.com/zipped:v1"]);
    const state = await readState(s);
    const images = E.isRight(state) ? state.right.images : [];
    // The same layer and config make the same image: one record with both names.
    expect(a.right.id).toBe(b.right.id);
    expect(images.map((i) => i.names)).toEqual([["localhost/plain:latest", "example.com/zipped:v1"]]);
    const index = JSON.parse(readFileSync(join(s.root, "index.json"), "utf8")) as { manifests: { annotations: Record<string, string> }[] };
    expect(index.manifests.map((m) => m.annotations["org.opencontainers.image.ref.name"])).toEqual(["localhost/plain:latest", "example.com/zipped:v1"]);
    expect(readFileSync(join(s.root, "oci-layout"), "utf8")).toBe('{"imageLayoutVersion":"1.0.0"}\n');
  });

  it("stores an unnamed import as a dangling image, and the same image twice once", async () => {
    const s = await fresh();
    const tar = await smallRootfs("dangling");
    const first = await importTarball(s, chunks(tar), imported());
    const again = await importTarball(s, chunks(tar), imported("now-named"));
    expect(E.isRight(first) && E.isRight(again) && first.right.id === again.right.id).toBe(true);
    const state = await readState(s);
    expect(E.isRight(state) && state.right.images.map((i) => i.names)).toEqual([["localhost/now-named:latest"]]);
  });

  it("refuses what is not a tar, and a bad --change or name, storing nothing", async () => {
    const s = await fresh();
    const junk = new TextEncoder().encode("this is not a tar archive at all, just some text that goes on for a while".repeat(20));
    const r = await importTarball(s, chunks(junk), imported("junk"));
    expect(E.isLeft(r) && r.left.message).toMatch(/^test\.tar: not a tar archive: /);
    const bad = await importTarball(s, chunks(await smallRootfs()), { ...imported("x"), changes: ["RUN rm -rf /"] });
    expect(E.isLeft(bad) && bad.left.code).toBe("INVALID_CHANGE");
    const badName = await importTarball(s, chunks(await smallRootfs()), imported("Bad Name"));
    expect(E.isLeft(badName) && badName.left.code).toBe("INVALID_REFERENCE");
    const cut = await importTarball(s, chunks(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), imported("z"));
    expect(E.isLeft(cut) && cut.left.message).toBe("test.tar: zstd stream ends in the middle of a frame");
    expect(blobFiles(s)).toEqual([]);
    expect(E.isRight(await readState(s)) && (await readState(s))).toEqual(E.right({ version: 1, images: [], containers: [] }));
  });
});

describe("check", () => {
  it("finds a consistent store consistent", async () => {
    const s = await fresh();
    await importTarball(s, chunks(await smallRootfs()), imported("ok"));
    const r = await checkStore(s, false);
    expect(r).toEqual(E.right({ findings: [], repaired: [] }));
  });

  it("rolls back an image whose blob is missing or corrupt, rewrites index.json, sweeps leftovers", async () => {
    const s = await fresh();
    const good = await importTarball(s, chunks(await smallRootfs("good")), imported("good"));
    const bad = await importTarball(s, chunks(await smallRootfs("bad")), imported("bad"));
    if (E.isLeft(good) || E.isLeft(bad)) throw new Error("import failed");
    const state = await readState(s);
    const badLayer = E.isRight(state) ? state.right.images.find((i) => i.id === bad.right.id)?.diffIds[0] : undefined;
    writeFileSync(join(s.root, "blobs/sha256", (badLayer ?? "").slice(7)), "tampered");
    writeFileSync(join(s.root, "index.json"), "{}");
    writeFileSync(join(s.ingestDir, "999999999-deadbeef"), "half a blob");
    writeFileSync(join(s.root, "berth", ".state.json.abc.tmp"), "half a record");
    const found = await checkStore(s, false);
    expect(E.isRight(found) && found.right.findings.map((f) => f.severity + ": " + f.message.replace(/^image [0-9a-f]{12}/, "image ID"))).toEqual([
      `error: image ID: blob ${badLayer} does not match its digest`,
      "error: index.json does not match the image records",
      "garbage: interrupted blob write 999999999-deadbeef",
      "garbage: interrupted record write .state.json.abc.tmp",
    ]);
    const repaired = await checkStore(s, true);
    expect(E.isRight(repaired) && repaired.right.repaired.length).toBe(4);
    expect(await checkStore(s, false)).toEqual(E.right({ findings: [], repaired: [] }));
    const after = await readState(s);
    expect(E.isRight(after) && after.right.images.map((i) => i.names)).toEqual([["localhost/good:latest"]]);
  });
});
