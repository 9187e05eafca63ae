import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../../core/failure.ts";
import { parseDigest } from "../../core/reference/index.ts";
import { ociIndexOf, type StoreState } from "../../core/store/index.ts";
import { blobPath } from "./blobs.ts";
import { transaction, type Store } from "./store.ts";

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

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
};

const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (d) => h.update(d))
      .on("end", () => resolve(`sha256:${h.digest("hex")}`))
      .on("error", reject);
  });

const list = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

/** Blobs older than this that no image uses are garbage; younger ones may belong to a write in progress. */
const orphanAgeMs = 10 * 60 * 1000;

/**
 * Checks the store under its lock: every blob an image needs is present
 * and hashes to its digest, index.json matches the records, containers
 * match their images and directories. With `repair`, images with missing or
 * corrupt blobs are dropped (rolled back), index.json is rewritten, broken
 * containers dropped, and leftovers of interrupted writes swept.
 */
export const checkStore = async (store: Store, repair: boolean): Promise<E.Either<Failure, CheckReport>> =>
  transaction(store, async (state) => {
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
    for (const d of dirs.filter((d) => !state.containers.some((c) => c.id === d))) {
      findings.push({ severity: "garbage", message: `container directory ${d} has no record` });
      if (repair) {
        await rm(join(store.containersDir, d), { recursive: true, force: true });
        repaired.push(`removed container directory ${d}`);
      }
    }
    const next: StoreState = { ...state, images: kept, containers: withRootfs };
    const indexText = await readFile(join(store.root, "index.json"), "utf8").catch(() => "");
    if (indexText.trim() !== JSON.stringify(ociIndexOf(state))) {
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
    for (const f of (await list(join(store.root, "berth"))).filter((f) => f.endsWith(".tmp"))) {
      findings.push({ severity: "garbage", message: `interrupted record write ${f}` });
      if (repair) {
        await rm(join(store.root, "berth", f), { force: true });
        repaired.push(`swept ${f}`);
      }
    }
    for (const f of (await list(store.root)).filter((f) => f.endsWith(".tmp"))) {
      findings.push({ severity: "garbage", message: `interrupted index write ${f}` });
      if (repair) {
        await rm(join(store.root, f), { force: true });
        repaired.push(`swept ${f}`);
      }
    }
    const used = new Set(state.images.flatMap((i) => i.blobs));
    const now = Date.now();
    for (const hex of await list(join(store.root, "blobs", "sha256"))) {
      if (used.has(`sha256:${hex}`)) continue;
      const s = await stat(join(store.root, "blobs", "sha256", hex)).catch(() => undefined);
      if (s === undefined || now - s.mtimeMs < orphanAgeMs) continue;
      findings.push({ severity: "garbage", message: `blob sha256:${hex} is used by no image` });
      if (repair) {
        await rm(join(store.root, "blobs", "sha256", hex), { force: true });
        repaired.push(`removed unused blob sha256:${hex}`);
      }
    }
    if (repair) {
      for (const id of broken) repaired.push(`dropped image ${id.slice(0, 12)} (incomplete)`);
      for (const c of state.containers.filter((c) => !withRootfs.includes(c))) repaired.push(`dropped container ${c.id.slice(0, 12)}`);
      if (findings.some((f) => f.message.startsWith("index.json"))) repaired.push("rewrote index.json");
    }
    // Without repair nothing is written; with it, the records lose what is broken and index.json is derived afresh.
    return E.right({ state: repair && (broken.size > 0 || withRootfs.length !== state.containers.length) ? next : state, result: { findings, repaired }, rewriteIndex: repair });
  });
