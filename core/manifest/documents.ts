import * as t from "io-ts";

/** A content descriptor. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  urls?: Array<string>;
}

/** A content descriptor. */
export const descriptor: t.Type<Descriptor> = t.intersection(
  [
    t.type({ mediaType: t.string, digest: t.string, size: t.number }),
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
  rootfs: { type: string; diff_ids: Array<string> };
  created?: string;
  author?: string;
  variant?: string;
  config?: RunConfig;
  history?: Array<HistoryEntry>;
}

/** An image config (OCI, also Docker's): only what berth reads is checked; the rest is kept as is. */
export const imageConfig: t.Type<ImageConfig> = t.intersection(
  [
    t.type({ architecture: t.string, os: t.string, rootfs: t.type({ type: t.string, diff_ids: t.array(t.string) }) }),
    t.partial({ created: t.string, author: t.string, variant: t.string, config: runConfig, history: t.array(historyEntry) }),
  ],
  "an image config",
);

