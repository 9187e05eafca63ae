/** Small store states for the pure store tests. */
import * as E from "fp-ts/lib/Either.js";
import { emptyRegistriesConfig, loadRegistriesConfig } from "../../../core/registries/index.ts";
import { imageLookup, type ContainerRecord, type ImageRecord, type StoreState } from "../../../core/store/index.ts";

/** A hex ID from a short label, so tests read well. */
export const hexId = (label: string): string => {
  let h = "";
  for (const c of label) h += c.charCodeAt(0).toString(16).padStart(2, "0");
  return (h + "0".repeat(64)).slice(0, 64);
};

/** An image record with sensible defaults. */
export const img = (label: string, over: Partial<ImageRecord> = {}): ImageRecord => ({
  id: hexId(label),
  names: [],
  manifestDigest: `sha256:${hexId(`m${label}`)}`,
  manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
  manifestSize: 100,
  digests: [`sha256:${hexId(`m${label}`)}`],
  created: "2024-01-01T00:00:00Z",
  size: 1000,
  labels: {},
  os: "linux",
  architecture: "amd64",
  diffIds: [`sha256:${hexId(`l${label}`)}`],
  history: [`h${label}`],
  blobs: [`sha256:${hexId(`m${label}`)}`, `sha256:${hexId(`c${label}`)}`, `sha256:${hexId(`l${label}`)}`],
  ...over,
});

/** A container record using `image`. */
export const ctr = (label: string, image: ImageRecord): ContainerRecord => ({
  id: hexId(`k${label}`),
  name: label,
  imageId: image.id,
  imageName: image.names[0] ?? image.id,
  created: "2024-02-01T00:00:00Z",
});

/** A store state. */
export const state = (images: ImageRecord[], containers: ContainerRecord[] = []): StoreState => ({ version: 1, images, containers });

const config = (() => {
  const r = loadRegistriesConfig("/etc/containers/registries.conf")([
    { file: "/etc/containers/registries.conf", value: { "unqualified-search-registries": ["docker.io"] } },
  ]);
  return E.isRight(r) ? r.right.config : emptyRegistriesConfig("/etc/containers/registries.conf");
})();

/** Lookup as the CLI does it, with docker.io as the one search registry. */
export const lookup = imageLookup(config);
