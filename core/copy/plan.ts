import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { layerChange, type CompressionOptions, type DestinationCompression, type LayerChange, type LayerCompression } from "./compression.ts";
import {
  choosePlatform,
  convertManifest,
  formatOf,
  manifestTypeOf,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type IndexEntry,
  type ManifestFormat,
  type ParsedManifest,
  type Platform,
} from "../manifest/index.ts";

/** How a copy was asked for. */
export interface PlanOptions {
  /** Which image of an index to copy. */
  readonly platform: Platform;
  /** Every image of an index, and the index itself. */
  readonly all?: boolean;
  /** The manifest format to write; by default the source's, converted only if the destination cannot take it. */
  readonly format?: ManifestFormat;
  /** Refuse rather than write a manifest whose digest differs from the source's. */
  readonly preserveDigests?: boolean;
  /** Leave the source's signatures behind. */
  readonly removeSignatures?: boolean;
  /** What to do with layers' compression beyond what the destination wants. */
  readonly compression?: CompressionOptions;
}

/** A repository in a registry, where an image (and so its blobs) is known to be. */
export interface Location {
  readonly registry: string;
  readonly repository: string;
}

/** What the destination can do, as it says. */
export interface DestinationCapabilities {
  /** Manifest media types it stores, preferred first. */
  readonly acceptedManifestTypes: ReadonlyArray<string>;
  /** Whether it holds an image index with its images (`--all`). */
  readonly holdsIndex: boolean;
  /** Whether it keeps signatures beside images. */
  readonly keepsSignatures: boolean;
  /** Where it is, when it can mount blobs from other repositories of the same registry instead of uploading them. */
  readonly mountsInto?: Location;
  /** What it does with layers by default (absent: keeps them as they are). */
  readonly compression?: DestinationCompression;
  /** Whether it takes blobs whose digest is known only once they are written (a layer compressed on the way); without it layers stay as they are. */
  readonly takesNewBlobs?: boolean;
}

/** Another blob with the same uncompressed content as a layer, known from an earlier copy (the blob-info cache). */
export interface Counterpart {
  readonly descriptor: Descriptor;
  readonly compression: LayerCompression;
  /** Registry repositories where it is known to be. */
  readonly locations: ReadonlyArray<Location>;
}

/** A manifest as read from the source: its identity, and what it says. */
export interface ReadManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

/** Which images of the source a copy needs: the image itself, one instance of an index, or all of them. */
export type Selection =
  | { readonly kind: "image" }
  | { readonly kind: "instance"; readonly entry: IndexEntry }
  | { readonly kind: "all"; readonly entries: ReadonlyArray<IndexEntry> };

/** One image of the source as read, with the index entry that named it (if any). */
export interface ReadInstance extends ReadManifest {
  readonly manifest: ImageManifest;
  readonly entry?: IndexEntry;
}

/** Everything planning is decided from: the source as read, and what the destination has. */
export interface CopyFacts {
  readonly top: ReadManifest & { readonly parsed: ParsedManifest };
  /** The images of the selection, in its order. */
  readonly instances: ReadonlyArray<ReadInstance>;
  /** Blob digests the destination already has. */
  readonly present: ReadonlySet<string>;
  /** Signatures the source keeps for its manifest (0 when it keeps none, or when they were not read because they are to be dropped). */
  readonly signatures: number;
  /** Where the source image is known to be, for cross-repository mounts. */
  readonly locations: ReadonlyArray<Location>;
  /** Counterparts of the source's layers (by the layer's digest), and which of them the destination has. */
  readonly counterparts?: ReadonlyMap<string, ReadonlyArray<Counterpart>>;
}

/** What happens to one blob. */
export interface BlobStep {
  readonly descriptor: Descriptor;
  readonly role: "config" | "layer";
  /** `skip`: the destination has it (or an earlier image of this plan brings it); `mount`: from `from`, uploading if the registry will not. */
  readonly action: "copy" | "skip" | "mount";
  readonly from?: Location;
  /** How the layer's compression changes on the way (when it is copied: after a failed mount too). */
  readonly change?: LayerChange;
  /** What the destination has or mounts in its place: a counterpart in the wanted compression, known before the copy. */
  readonly written?: Descriptor;
}

/** The manifest to write for one image: the source's bytes, or a conversion (whose text and digest the plan holds). */
export type ManifestStep =
  | { readonly action: "keep"; readonly digest: string; readonly mediaType: string }
  | { readonly action: "convert"; readonly from: string; readonly digest: string; readonly mediaType: string; readonly text: string }
  /** Layers change on the way: the manifest is written with their new descriptors once they are known (`rewriteLayers`). */
  | { readonly action: "rewrite"; readonly from: string; readonly mediaType: string };

/** One image to copy. */
export interface InstanceStep {
  /** The image's manifest as read. */
  readonly source: ReadManifest;
  readonly platform?: Platform;
  readonly manifest: ManifestStep;
  readonly blobs: ReadonlyArray<BlobStep>;
}

/** What happens to the source's signatures. */
export type SignatureStep =
  | { readonly action: "none" }
  | { readonly action: "carry"; readonly count: number }
  | { readonly action: "drop"; readonly why: "asked" };

/** A whole copy, decided before a byte moves. */
export interface CopyPlan {
  readonly source: ReadManifest & { readonly kind: "image" | "index" };
  readonly instances: ReadonlyArray<InstanceStep>;
  /** With `all`: the index, written as read after its images, so its digest stays. */
  readonly index?: ReadManifest;
  /** The digest of the index the single image was chosen from (the name it may also be known by), when its manifest is kept. */
  readonly fromIndex?: string;
  readonly signatures: SignatureStep;
}

const platformText = (p: Platform): string => `${p.os}/${p.architecture}${p.variant === undefined ? "" : `/${p.variant}`}`;

const isIndex = (parsed: ParsedManifest): parsed is { readonly kind: "index"; readonly mediaType: string; readonly index: ImageIndex } => parsed.kind === "index";

/**
 * Which images of the source to read: the image, the index entry for the
 * platform, or every entry (`all`). A platform the index lacks, or `all`
 * into a destination that holds no index, is refused with the reason.
 */
export const selectInstances = (top: ReadManifest & { readonly parsed: ParsedManifest }, capabilities: DestinationCapabilities, options: PlanOptions): E.Either<Failure, Selection> => {
  const parsed = top.parsed;
  if (!isIndex(parsed)) return E.right({ kind: "image" });
  if (options.all === true) {
    if (!capabilities.holdsIndex || !capabilities.acceptedManifestTypes.includes(parsed.mediaType)) {
      return E.left(failure("UNSUPPORTED_MANIFEST", `the destination cannot store an image index (${parsed.mediaType}); copy one platform with --platform instead of --all`));
    }
    return E.right({ kind: "all", entries: parsed.index.manifests });
  }
  const entry = choosePlatform(parsed.index, options.platform);
  return entry === undefined
    ? E.left(failure("NO_MATCHING_PLATFORM", `${top.digest}: no image for ${platformText(options.platform)} in the index`))
    : E.right({ kind: "instance", entry });
};

/** The manifest type to write: the one asked for, else the source's if the destination takes it, else its first image type. */
const targetType = (sourceType: string, capabilities: DestinationCapabilities, format: ManifestFormat | undefined): string | undefined => {
  if (format !== undefined) return manifestTypeOf(format);
  if (capabilities.acceptedManifestTypes.includes(sourceType)) return sourceType;
  return capabilities.acceptedManifestTypes.find((t) => formatOf(t) !== undefined);
};

const manifestStep = (
  instance: ReadInstance,
  capabilities: DestinationCapabilities,
  options: PlanOptions,
  digestOf: (bytes: Uint8Array) => string,
  layers: ReadonlyArray<{ readonly change?: LayerChange; readonly written?: Descriptor }>,
): E.Either<Failure, ManifestStep> => {
  const rewritten = layers.some((l) => l.change !== undefined || l.written !== undefined);
  // zstd has no Docker schema 2 media type: such an image is written as OCI, unless Docker's format was asked for.
  const zstd = layers.some((l) => l.change?.action === "compress" && l.change.to === "zstd");
  const asked = zstd && options.format === undefined && formatOf(instance.mediaType) === "v2s2" ? "oci" : options.format;
  const target = targetType(instance.mediaType, capabilities, asked);
  const format = target === undefined ? undefined : formatOf(target);
  if (target === undefined || format === undefined || !capabilities.acceptedManifestTypes.includes(target)) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `the destination does not take ${target ?? instance.mediaType} manifests`));
  }
  if (zstd && format === "v2s2") return E.left(failure("UNSUPPORTED_MANIFEST", `${instance.digest}: zstd layers cannot be written in a Docker schema 2 manifest; use --format oci`));
  if (rewritten) {
    const which = layers.findIndex((l) => l.change !== undefined || l.written !== undefined);
    if (options.preserveDigests === true) {
      return E.left(failure("UNSUPPORTED_MANIFEST", `${instance.digest}: changing the compression of layer ${instance.manifest.layers[which]?.digest ?? which} would change the manifest's digest, and --preserve-digests forbids that`));
    }
    return E.right({ action: "rewrite", from: instance.digest, mediaType: target });
  }
  if (target === instance.mediaType) return E.right({ action: "keep", digest: instance.digest, mediaType: instance.mediaType });
  if (options.preserveDigests === true) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `${instance.digest}: writing it as ${target} would change its digest, and --preserve-digests forbids that`));
  }
  const converted = convertManifest(format, instance.digest)(instance.manifest);
  if (E.isLeft(converted)) return converted;
  return E.right({ action: "convert", from: instance.digest, digest: digestOf(converted.right.bytes), mediaType: converted.right.mediaType, text: new TextDecoder().decode(converted.right.bytes) });
};

/**
 * A layer's change, and what can spare it, as containers/image reuses blobs:
 * unless compression is forced, the layer itself where the destination has
 * it (then it stays as it is) or can mount it; else a counterpart of the
 * compression the change makes, there already or mountable from where it was
 * seen. A mount that fails falls back to the change.
 */
const counterpartStep = (
  layer: Descriptor,
  change: LayerChange | undefined,
  facts: CopyFacts,
  capabilities: DestinationCapabilities,
  force: boolean,
): { readonly change?: LayerChange; readonly written?: Descriptor; readonly from?: Location } => {
  if (change === undefined) return {};
  const asIs = change.action === "compress" && !force;
  if (asIs && facts.present.has(layer.digest)) return {};
  const wanted: LayerCompression = change.action === "compress" ? change.to : "none";
  const known = (facts.counterparts?.get(layer.digest) ?? []).filter((c) => c.compression === wanted);
  const there = known.find((c) => facts.present.has(c.descriptor.digest));
  if (there !== undefined) return { change, written: there.descriptor };
  for (const c of known) {
    const from = mountSource(capabilities, c.locations);
    if (from !== undefined) return { change, written: c.descriptor, from };
  }
  const itself = asIs ? mountSource(capabilities, facts.locations) : undefined;
  return itself === undefined ? { change } : { change, from: itself };
};

/** A repository the destination can mount a blob from: one where the source is known to be, in the destination's registry, not the destination itself. */
export const mountSource = (capabilities: DestinationCapabilities, locations: ReadonlyArray<Location>): Location | undefined => {
  const into = capabilities.mountsInto;
  return into === undefined ? undefined : locations.find((l) => l.registry === into.registry && l.repository !== into.repository);
};

/**
 * The plan of a copy, decided from facts alone: for each image, the manifest
 * to write (kept, or converted with its new text and digest) and a step per
 * blob (config first, then layers, each digest once: skipped where the
 * destination has it or an earlier image brings it, mounted where the source
 * is known in the destination's registry, else copied), and what happens to
 * signatures. Refusals name the reason: a conversion under preserve-digests,
 * converting the images of an index, or changing a signed manifest.
 */
export const planCopy = (facts: CopyFacts, capabilities: DestinationCapabilities, options: PlanOptions, digestOf: (bytes: Uint8Array) => string): E.Either<Failure, CopyPlan> => {
  const all = isIndex(facts.top.parsed) && options.all === true;
  const compression = options.compression ?? {};
  const asked = compression.compress === true || compression.decompress === true || compression.format !== undefined;
  if (asked && capabilities.takesNewBlobs !== true) {
    return E.left(failure("UNSUPPORTED_MANIFEST", "the destination cannot change the compression of layers (it takes only blobs whose digest is known in advance)"));
  }
  if (asked && all) {
    return E.left(failure("UNSUPPORTED_MANIFEST", `${facts.top.digest}: changing the compression of the images of an index is not supported yet; copy one platform, or without compression options`));
  }
  // An index keeps its images' digests unless asked otherwise: its layers are copied as they are.
  const wants: DestinationCompression = capabilities.takesNewBlobs === true && !all ? (capabilities.compression ?? "preserve") : "preserve";
  const planned = new Set<string>();
  const from = mountSource(capabilities, facts.locations);
  const instances: InstanceStep[] = [];
  for (const instance of facts.instances) {
    const changes = instance.manifest.layers.map((l) => counterpartStep(l, layerChange(l, wants, compression), facts, capabilities, compression.force === true));
    const manifest = manifestStep(instance, capabilities, options, digestOf, changes);
    if (E.isLeft(manifest)) return manifest;
    if (all && manifest.right.action !== "keep") {
      return E.left(failure("UNSUPPORTED_MANIFEST", `${facts.top.digest}: converting the images of an index is not supported yet; copy without --format, or one platform`));
    }
    const blobs: BlobStep[] = [];
    for (const [i, descriptor] of [instance.manifest.config, ...instance.manifest.layers].entries()) {
      if (blobs.some((b) => b.descriptor.digest === descriptor.digest)) continue;
      const role = i === 0 ? "config" : "layer";
      const layer = i === 0 ? undefined : changes[i - 1];
      if (layer?.written !== undefined) {
        // A counterpart stands in for the layer: there already, or mounted (else the layer is copied with its change).
        const change = layer.change === undefined ? {} : { change: layer.change };
        blobs.push(layer.from === undefined ? { descriptor, role, action: "skip", written: layer.written } : { descriptor, role, action: "mount", from: layer.from, written: layer.written, ...change });
      } else if (layer?.change !== undefined && layer.from !== undefined) {
        // The layer itself is mounted as it is, if the registry will; else it is copied with its change.
        blobs.push(planned.has(descriptor.digest) ? { descriptor, role, action: "skip", change: layer.change } : { descriptor, role, action: "mount", from: layer.from, change: layer.change });
      } else if (layer?.change !== undefined) {
        blobs.push(planned.has(descriptor.digest) ? { descriptor, role, action: "skip", change: layer.change } : { descriptor, role, action: "copy", change: layer.change });
      } else if (facts.present.has(descriptor.digest) || planned.has(descriptor.digest)) blobs.push({ descriptor, role, action: "skip" });
      else blobs.push(from === undefined ? { descriptor, role, action: "copy" } : { descriptor, role, action: "mount", from });
      planned.add(descriptor.digest);
    }
    instances.push({ source: { digest: instance.digest, mediaType: instance.mediaType, size: instance.size }, ...(instance.entry?.platform === undefined ? {} : { platform: instance.entry.platform }), manifest: manifest.right, blobs });
  }
  const only = instances.length === 1 && !all ? instances[0] : undefined;
  const changed = only !== undefined && (only.manifest.action !== "keep" || only.source.digest !== facts.top.digest);
  let signatures: SignatureStep;
  if (options.removeSignatures === true) signatures = { action: "drop", why: "asked" };
  else if (facts.signatures === 0) signatures = { action: "none" };
  else if (!capabilities.keepsSignatures) {
    // As skopeo: signatures are never lost silently.
    return E.left(failure("SIGNATURES_NOT_SUPPORTED", `${facts.top.digest}: the destination cannot store its ${facts.signatures} signature(s); use --remove-signatures to copy without them`));
  }
  else if (changed) {
    return E.left(failure("SIGNATURES_INVALIDATED", `${facts.top.digest}: the copy changes the signed manifest, which would invalidate its signatures; use --remove-signatures`));
  } else signatures = { action: "carry", count: facts.signatures };
  const indexed = only !== undefined && only.manifest.action === "keep" && only.source.digest !== facts.top.digest;
  return E.right({
    source: { digest: facts.top.digest, mediaType: facts.top.mediaType, size: facts.top.size, kind: facts.top.parsed.kind },
    instances,
    ...(all ? { index: { digest: facts.top.digest, mediaType: facts.top.mediaType, size: facts.top.size } } : {}),
    ...(indexed ? { fromIndex: facts.top.digest } : {}),
    signatures,
  });
};

/** The blobs a plan reads from the source (copied or mounted), once each. */
export const blobsToMove = (plan: CopyPlan): ReadonlyArray<BlobStep> => plan.instances.flatMap((i) => i.blobs.filter((b) => b.action !== "skip"));
