import type { StoreState } from "./records.ts";

/** The annotation OCI layouts name images with; skopeo's and umoci's `oci:DIR:NAME` read it. */
export const refNameAnnotation = "org.opencontainers.image.ref.name";

/** A descriptor in the layout's `index.json`. */
export interface IndexDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The store root's `index.json`. */
export interface OciIndex {
  readonly schemaVersion: 2;
  readonly mediaType: "application/vnd.oci.image.index.v1+json";
  readonly manifests: ReadonlyArray<IndexDescriptor>;
}

/**
 * The `index.json` that makes the store root an OCI layout other tools can
 * read: one entry per name, and an unnamed entry for a dangling image so its
 * blobs are not garbage to them. Derived from the records, never edited.
 */
export const ociIndexOf = (state: StoreState): OciIndex => ({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    ...state.images.flatMap((i) => {
      const base = { mediaType: i.manifestMediaType, digest: i.manifestDigest, size: i.manifestSize };
      return i.names.length === 0 ? [base] : i.names.map((n) => ({ ...base, annotations: { [refNameAnnotation]: n } }));
    }),
    // A list is an index under its name: skopeo reads `oci:STORE:NAME` as the list.
    ...(state.lists ?? []).map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size, annotations: { [refNameAnnotation]: l.name } })),
  ],
});
