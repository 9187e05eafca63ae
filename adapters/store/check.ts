import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { decodeDocument } from "../../core/codec.ts";
import { failure, type Failure } from "../../core/failure.ts";
import { imageIndex } from "../../core/manifest/index.ts";
import { parseDigest } from "../../core/reference/index.ts";
import { blobsInUse, listBlobs, ociIndexOf, rebuildState, type StoreState, type WrittenImage } from "../../core/store/index.ts";
import { systemMessage } from "../fs/errors.ts";
import { isAlive, sweepStale } from "../fs/temp-names.ts";
import { tmpdir } from "node:os";
import { blobPath, readSmallBlob } from "./blobs.ts";
import { claimedBlobs } from "./claims.ts";
import { writtenImageOf } from "./documents.ts";
import { sha256Text } from "./hash.ts";
import { imageMountsDir } from "./image-mounts.ts";
import { inspection, transaction, type Store } from "./store.ts";

/** Something `check` found: an inconsistency (error) or leftovers of an interrupted write (garbage). */
export interface Finding {
  readonly severity: "error" | "garbage";
  readonly message: string;
}

/** What `check` found and, with repair, what it did about it. */
export interface CheckReport {
  readonly findings: ReadonlyArray<Finding>;
  readonly repaired: ReadonlyArray<string>;
}

const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (d) => h.update(d))
      .on("end", () => resolve(`sha256:${h.digest("hex")}`))
      .on("error", reject);
  });

const list = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

/** Blobs older than this that no image uses or claims are garbage; younger ones may belong to a write that has not claimed yet. */
const orphanAgeMs = 10 * 60 * 1000;

/** An image's documents read back from the layout, for rebuilding its record. */
const layoutDocuments = async (store: Store, manifestDigest: string): Promise<E.Either<Failure, Omit<WrittenImage, "names">>> => {
  const bytes = await readSmallBlob(store, manifestDigest);
  return E.isLeft(bytes) ? bytes : writtenImageOf(store, { bytes: bytes.right, mediaType: "", digest: manifestDigest });
};

/** Records rebuilt from index.json, when state.json cannot be read; what was and was not restored goes to `notes`. */
const rebuildFromLayout = async (store: Store, problem: Failure, notes: string[]): Promise<E.Either<Failure, StoreState>> => {
  let entries: unknown;
  try {
    entries = JSON.parse(await readFile(join(store.root, "index.json"), "utf8"));
  } catch (e) {
    return E.left(failure("STORE_IO", `${problem.message}; and index.json cannot be read either: ${systemMessage(e)}`));
  }
  const index = decodeDocument(imageIndex, join(store.root, "index.json"))(entries);
  if (E.isLeft(index)) return E.left(failure("STORE_IO", `${problem.message}; and ${index.left.message}`));
  const read = new Map<string, E.Either<Failure, Omit<WrittenImage, "names">>>();
  for (const m of index.right.manifests) if (!read.has(m.digest)) read.set(m.digest, await layoutDocuments(store, m.digest));
  const rebuilt = rebuildState(index.right.manifests, (d) => read.get(d) ?? E.left(failure("BLOB_NOT_FOUND", `${d} was not read`)), sha256Text);
  notes.push(`rebuilt the image records from index.json (${problem.message.split(";")[0] ?? ""})`);
  notes.push(...rebuilt.restored.map((r) => `restored ${r}`));
  notes.push(...rebuilt.lost.map((l) => `not restored: ${l}`));
  notes.push("not restored: container records (index.json has none); their root filesystems stay under berth/containers");
  return E.right(rebuilt.state);
};

interface Examined {
  readonly findings: Finding[];
  readonly repaired: string[];
  readonly next: StoreState;
}

/** Everything `check` looks at, and with `repair` what it sweeps; the records it would keep are `next`. */
const examine = async (store: Store, state: StoreState, repair: boolean, keepContainerDirs: boolean): Promise<Examined> => {
  const findings: Finding[] = [];
  const repaired: string[] = [];
  const broken = new Set<string>();
  for (const image of state.images) {
    for (const b of image.blobs) {
      const d = parseDigest(b);
      if (E.isLeft(d)) {
        findings.push({ severity: "error", message: `image ${image.id.slice(0, 12)}: invalid blob digest ${b}` });
        broken.add(image.id);
        continue;
      }
      const path = blobPath(store, d.right);
      const exists = await stat(path).then((s) => s.isFile(), () => false);
      if (!exists) {
        findings.push({ severity: "error", message: `image ${image.id.slice(0, 12)}: blob ${b} is missing` });
        broken.add(image.id);
      } else if ((await sha256File(path)) !== b) {
        findings.push({ severity: "error", message: `image ${image.id.slice(0, 12)}: blob ${b} does not match its digest` });
        broken.add(image.id);
      }
    }
  }
  const kept = state.images.filter((i) => !broken.has(i.id));
  // A list needs its index and its instances' manifests (their layers are read from the instances' sources when it is pushed).
  const brokenLists = new Set<string>();
  for (const list of state.lists ?? []) {
    for (const b of listBlobs(list)) {
      const d = parseDigest(b);
      if (E.isRight(d) && (await stat(blobPath(store, d.right)).then((s) => s.isFile(), () => false))) continue;
      findings.push({ severity: "error", message: `manifest list ${list.name}: blob ${b} is missing` });
      brokenLists.add(list.id);
    }
  }
  const containersOk = state.containers.filter((c) => kept.some((i) => i.id === c.imageId));
  for (const c of state.containers.filter((c) => !containersOk.includes(c))) {
    findings.push({ severity: "error", message: `container ${c.id.slice(0, 12)}: its image ${c.imageId.slice(0, 12)} is gone` });
  }
  const dirs = await list(store.containersDir);
  const withRootfs: typeof containersOk = [];
  for (const c of containersOk) {
    if (dirs.includes(c.id)) withRootfs.push(c);
    else findings.push({ severity: "error", message: `container ${c.id.slice(0, 12)}: its root filesystem is missing` });
  }
  if (!keepContainerDirs) {
    for (const d of dirs.filter((d) => !state.containers.some((c) => c.id === d))) {
      findings.push({ severity: "garbage", message: `container directory ${d} has no record` });
      if (repair) {
        await rm(join(store.containersDir, d), { recursive: true, force: true });
        repaired.push(`removed container directory ${d}`);
      }
    }
  }
  const indexText = await readFile(join(store.root, "index.json"), "utf8").catch(() => "");
  // A store never written to has no index.json, and needs none.
  if (!(indexText === "" && state.images.length === 0) && indexText.trim() !== JSON.stringify(ociIndexOf(state))) {
    findings.push({ severity: "error", message: "index.json does not match the image records" });
  }
  for (const f of await list(store.ingestDir)) {
    const pid = Number(f.replace(/^\.ingest-/, "").split("-")[0]);
    if (!Number.isInteger(pid) || !isAlive(pid) || pid === process.pid) {
      findings.push({ severity: "garbage", message: `interrupted blob write ${f}` });
      if (repair) {
        await rm(join(store.ingestDir, f), { force: true });
        repaired.push(`swept ingest file ${f}`);
      }
    }
  }
  for (const [dir, what] of [
    [join(store.root, "berth"), "record"],
    [store.root, "index"],
  ] as const) {
    for (const f of (await list(dir)).filter((f) => f.endsWith(".tmp"))) {
      findings.push({ severity: "garbage", message: `interrupted ${what} write ${f}` });
      if (repair) {
        await rm(join(dir, f), { recursive: true, force: true });
        repaired.push(`swept ${f}`);
      }
    }
  }
  // Mounted images: a count for an image that is gone, a tree without a count, a tree a killed mount left.
  const mounts = state.imageMounts ?? {};
  const staleMounts = Object.keys(mounts).filter((id) => !kept.some((i) => i.id === id));
  for (const id of staleMounts) findings.push({ severity: "garbage", message: `image ${id.slice(0, 12)} is counted as mounted but is gone` });
  for (const d of await list(imageMountsDir(store))) {
    if ((mounts[d] ?? 0) > 0 && !staleMounts.includes(d)) continue;
    // An unpacking under way in a live process is not a leftover.
    const writer = Number(/^\.[0-9a-f]+\.(\d+)-[0-9a-f]+\.tmp$/.exec(d)?.[1]);
    if (Number.isInteger(writer) && isAlive(writer) && writer !== process.pid) continue;
    findings.push({ severity: "garbage", message: d.endsWith(".tmp") ? `interrupted image mount ${d}` : `image mount directory ${d} is not mounted` });
    if (repair) {
      await rm(join(imageMountsDir(store), d), { recursive: true, force: true });
      repaired.push(`removed image mount directory ${d}`);
    }
  }
  // Claims of dead writers go as a side effect of reading them.
  const claimed = await claimedBlobs(store);
  const used = blobsInUse(state);
  const now = Date.now();
  for (const hex of await list(join(store.root, "blobs", "sha256"))) {
    if (used.has(`sha256:${hex}`) || claimed.has(`sha256:${hex}`)) continue;
    const s = await stat(join(store.root, "blobs", "sha256", hex)).catch(() => undefined);
    if (s === undefined || now - s.mtimeMs < orphanAgeMs) continue;
    findings.push({ severity: "garbage", message: `blob sha256:${hex} is used by no image` });
    if (repair) {
      await rm(join(store.root, "blobs", "sha256", hex), { force: true });
      repaired.push(`removed unused blob sha256:${hex}`);
    }
  }
  if (repair) {
    // Temporary files of saves, loads and archive reads killed before they cleaned up.
    for (const p of await sweepStale(tmpdir())) repaired.push(`swept ${p}`);
    for (const id of broken) repaired.push(`dropped image ${id.slice(0, 12)} (incomplete)`);
    for (const l of (state.lists ?? []).filter((l) => brokenLists.has(l.id))) repaired.push(`dropped manifest list ${l.name} (incomplete)`);
    for (const c of state.containers.filter((c) => !withRootfs.includes(c))) repaired.push(`dropped container ${c.id.slice(0, 12)}`);
    if (findings.some((f) => f.message.startsWith("index.json"))) repaired.push("rewrote index.json");
  }
  const changed = broken.size > 0 || brokenLists.size > 0 || withRootfs.length !== state.containers.length || staleMounts.length > 0;
  const lists = (state.lists ?? []).filter((l) => !brokenLists.has(l.id));
  const { imageMounts: _counted, ...unmounted } = state;
  const liveMounts = Object.fromEntries(Object.entries(mounts).filter(([id]) => !staleMounts.includes(id)));
  const counted = Object.keys(liveMounts).length === 0 ? unmounted : { ...unmounted, imageMounts: liveMounts };
  return { findings, repaired, next: changed ? { ...counted, images: kept, containers: withRootfs, ...(state.lists === undefined ? {} : { lists }) } : state };
};

/**
 * Checks the store: every blob an image needs is present and hashes to its
 * digest, index.json matches the records, containers match their images and
 * directories. Without `repair` nothing is written, and a store that cannot
 * be written (read-only, full) is checked all the same. With `repair`, under
 * the lock, images with missing or corrupt blobs are dropped (rolled back),
 * unreadable records are rebuilt from index.json, index.json is rewritten,
 * broken containers dropped, and leftovers of interrupted writes swept.
 */
export const checkStore = async (store: Store, repair: boolean): Promise<E.Either<Failure, CheckReport>> => {
  if (!repair) {
    return inspection(store, async (state) => {
      if (E.isLeft(state)) return E.right({ findings: [{ severity: "error", message: state.left.message }], repaired: [] });
      const r = await examine(store, state.right, false, false);
      return E.right({ findings: r.findings, repaired: [] });
    });
  }
  const notes: string[] = [];
  let rebuilt = false;
  return transaction(
    store,
    async (state) => {
      const r = await examine(store, state, true, rebuilt);
      return E.right({ state: r.next, result: { findings: r.findings, repaired: [...notes, ...r.repaired] }, rewriteIndex: true });
    },
    async (problem) => {
      rebuilt = true;
      return rebuildFromLayout(store, problem, notes);
    },
  );
};
