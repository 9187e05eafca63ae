import * as t from "io-ts";

/** A content descriptor. */
export const descriptor = t.intersection(
  [
    t.type({ mediaType: t.string, digest: t.string, size: t.number }),
    t.partial({ annotations: t.record(t.string, t.string), urls: t.array(t.string) }),
  ],
  "a descriptor",
);
/** A content descriptor. */
export type Descriptor = t.TypeOf<typeof descriptor>;

/** An image manifest (OCI or Docker schema 2): only what berth reads is checked. */
export const imageManifest = t.intersection(
  [
    t.type({ schemaVersion: t.literal(2), config: descriptor, layers: t.array(descriptor) }),
    t.partial({ mediaType: t.string, annotations: t.record(t.string, t.string) }),
  ],
  "an image manifest",
);
/** An image manifest. */
export type ImageManifest = t.TypeOf<typeof imageManifest>;

const historyEntry = t.partial(
  { created: t.string, created_by: t.string, author: t.string, comment: t.string, empty_layer: t.boolean },
  "a history entry",
);

/** The `config` part of an image config: how to run it. */
export const runConfig = t.partial(
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
/** How to run an image. */
export type RunConfig = t.TypeOf<typeof runConfig>;

/** An image config (OCI, also Docker's): only what berth reads is checked; the rest is kept as is. */
export const imageConfig = t.intersection(
  [
    t.type({ architecture: t.string, os: t.string, rootfs: t.type({ type: t.string, diff_ids: t.array(t.string) }) }),
    t.partial({ created: t.string, author: t.string, variant: t.string, config: runConfig, history: t.array(historyEntry) }),
  ],
  "an image config",
);
/** An image config. */
export type ImageConfig = t.TypeOf<typeof imageConfig>;
/** One history entry of an image config. */
export type HistoryEntry = t.TypeOf<typeof historyEntry>;
