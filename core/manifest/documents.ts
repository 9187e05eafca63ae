import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { parseDigest, type Digest } from "../reference/index.ts";

/**
 * A digest as the reference grammar allows it (a supported algorithm and
 * lowercase hex of its length). Every digest read from a document goes
 * through this codec, so none can steer a URL or a path (`sha256:../..`).
 */
export const digestCodec: t.Type<Digest, Digest, unknown> = new t.Type<Digest, Digest, unknown>(
  "a digest (algorithm:hex)",
  (u): u is Digest => typeof u === "string" && E.isRight(parseDigest(u)),
  (u, c) => {
    if (typeof u !== "string") return t.failure(u, c);
    const d = parseDigest(u);
    return E.isRight(d) ? t.success(d.right) : t.failure(u, c, d.left.message);
  },
  (d) => d,
);

/** A size in bytes: a whole number from 0 to 2^53 - 1 (a negative or fractional size is a lie). */
export const sizeCodec: t.Type<number, number, unknown> = new t.Type<number, number, unknown>(
  "a size in bytes",
  (u): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0,
  (u, c) => (typeof u === "number" && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c)),
  (n) => n,
);

/** A content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  annotations?: Record<string, string>;
  urls?: Array<string>;
}

/** A content descriptor. */
export const descriptor: t.Type<Descriptor> = t.intersection(
  [
    t.type({ mediaType: t.string, digest: digestCodec, size: sizeCodec }),
    t.partial({ annotations: t.record(t.string, t.string), urls: t.array(t.string) }),
  ],
  "a descriptor",
);
/** An image manifest. */
export interface ImageManifest {
  schemaVersion: 2;
  config: Descriptor;
  layers: Array<Descriptor>;
  mediaType?: string;
  annotations?: Record<string, string>;
}

/** An image manifest (OCI or Docker schema 2): only what berth reads is checked. */
export const imageManifest: t.Type<ImageManifest> = t.intersection(
  [
    t.type({ schemaVersion: t.literal(2), config: descriptor, layers: t.array(descriptor) }),
    t.partial({ mediaType: t.string, annotations: t.record(t.string, t.string) }),
  ],
  "an image manifest",
);
/** One history entry of an image config. */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

const historyEntry: t.Type<HistoryEntry> = t.partial(
  { created: t.string, created_by: t.string, author: t.string, comment: t.string, empty_layer: t.boolean },
  "a history entry",
);

/** How to run an image. */
export interface RunConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, unknown>>;
  Env?: Array<string>;
  Entrypoint?: Array<string> | null;
  Cmd?: Array<string> | null;
  Volumes?: Record<string, Record<string, unknown>>;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
}

/** The `config` part of an image config: how to run it. */
export const runConfig: t.Type<RunConfig> = t.partial(
  {
    User: t.string,
    ExposedPorts: t.record(t.string, t.UnknownRecord),
    Env: t.array(t.string),
    Entrypoint: t.union([t.array(t.string), t.null]),
    Cmd: t.union([t.array(t.string), t.null]),
    Volumes: t.record(t.string, t.UnknownRecord),
    WorkingDir: t.string,
    Labels: t.union([t.record(t.string, t.string), t.null]),
    StopSignal: t.string,
  },
  "a run config",
);
/** An image config. */
export interface ImageConfig {
  architecture: string;
  os: string;
  rootfs: { type: string; diff_ids: Array<Digest> };
  created?: string;
  author?: string;
  variant?: string;
  config?: RunConfig;
  history?: Array<HistoryEntry>;
}

/** An image config (OCI, also Docker's): only what berth reads is checked; the rest is kept as is. */
export const imageConfig: t.Type<ImageConfig> = t.intersection(
  [
    t.type({ architecture: t.string, os: t.string, rootfs: t.type({ type: t.string, diff_ids: t.array(digestCodec) }) }),
    t.partial({ created: t.string, author: t.string, variant: t.string, config: runConfig, history: t.array(historyEntry) }),
  ],
  "an image config",
);

