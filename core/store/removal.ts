import * as E from "fp-ts/lib/Either.js";
import { printable } from "../text.ts";
import type { ImageLookup } from "./lookup.ts";
import type { ContainerRecord, ImageRecord, StoreState } from "./records.ts";
import { childrenOf, parentOf } from "./tree.ts";

/** One thing a removal does, in order. */
export type RemovalStep =
  | { readonly kind: "untag"; readonly imageId: string; readonly name: string }
  | { readonly kind: "remove-container"; readonly containerId: string; readonly imageId: string }
  | { readonly kind: "delete-image"; readonly imageId: string; readonly names: ReadonlyArray<string> }
  | { readonly kind: "prune-parent"; readonly imageId: string };

/** Why one requested name was not removed. */
export interface RemovalError {
  readonly input: string;
  readonly code: "IMAGE_NOT_FOUND" | "IMAGE_IN_USE" | "IMAGE_HAS_CHILDREN" | "IMAGE_MULTIPLE_NAMES" | "AMBIGUOUS_IMAGE" | "INVALID_REFERENCE";
  readonly message: string;
}

/** What `rmi`/`prune` will do: steps to apply in one transaction, and per-name errors. */
export interface RemovalPlan {
  readonly steps: ReadonlyArray<RemovalStep>;
  readonly errors: ReadonlyArray<RemovalError>;
}

/** What to remove and how. */
export interface RemovalRequest {
  /** Names, IDs or digests as typed, in order. */
  readonly inputs: ReadonlyArray<string>;
  /** Whole images selected otherwise (`--all`, filters, prune), by ID. */
  readonly imageIds?: ReadonlyArray<string>;
  /** Remove images with several names by ID, and the containers using them. */
  readonly force?: boolean;
  /** Skip names that are not found. */
  readonly ignore?: boolean;
  /** Keep dangling parents. */
  readonly noPrune?: boolean;
}

interface Sim {
  images: ImageRecord[];
  containers: ContainerRecord[];
  steps: RemovalStep[];
  errors: RemovalError[];
}

const err = (input: string, code: RemovalError["code"], message: string): RemovalError => ({ input, code, message });

/** Deletes `image` (after its containers, when forced) and prunes dangling parents; returns an error or nothing. */
const deleteImage = (sim: Sim, image: ImageRecord, input: string, force: boolean, noPrune: boolean): RemovalError | undefined => {
  if (childrenOf(image, sim.images).length > 0) {
    return err(input, "IMAGE_HAS_CHILDREN", `image ${image.id.slice(0, 12)} has dependent child images`);
  }
  const users = sim.containers.filter((c) => c.imageId === image.id);
  if (users.length > 0 && !force) {
    return err(
      input,
      "IMAGE_IN_USE",
      `image used by ${users.map((c) => c.id.slice(0, 12)).join(", ")}: image is in use by a container: consider removing the container or force-removing the image`,
    );
  }
  for (const c of users) sim.steps.push({ kind: "remove-container", containerId: c.id, imageId: image.id });
  sim.containers = sim.containers.filter((c) => c.imageId !== image.id);
  const parent = parentOf(image, sim.images);
  sim.steps.push({ kind: "delete-image", imageId: image.id, names: image.names });
  sim.images = sim.images.filter((i) => i.id !== image.id);
  // A parent left with no names, no children and no containers is pruned, and so on up.
  let p = parent;
  while (!noPrune && p !== undefined) {
    const candidate: ImageRecord = p;
    if (candidate.names.length > 0 || childrenOf(candidate, sim.images).length > 0 || sim.containers.some((c) => c.imageId === candidate.id)) break;
    const next = parentOf(candidate, sim.images);
    sim.steps.push({ kind: "prune-parent", imageId: candidate.id });
    sim.images = sim.images.filter((i) => i.id !== candidate.id);
    p = next;
  }
  return undefined;
};

const removeByInput = (sim: Sim, input: string, lookup: ImageLookup, r: RemovalRequest): void => {
  const found = lookup(input, sim.images);
  if (E.isLeft(found)) {
    if (found.left.code === "IMAGE_NOT_FOUND" && r.ignore === true) return;
    sim.errors.push(err(input, found.left.code, found.left.message));
    return;
  }
  const { image, by, name } = found.right;
  if (image.names.length > 1) {
    if (by === "name" && name !== undefined) {
      // By one of several names: that name goes, the image stays.
      sim.steps.push({ kind: "untag", imageId: image.id, name });
      sim.images = sim.images.map((i) => (i.id === image.id ? { ...i, names: i.names.filter((n) => n !== name) } : i));
      return;
    }
    if (r.force !== true) {
      sim.errors.push(
        err(input, "IMAGE_MULTIPLE_NAMES", `unable to delete image "${image.id}" by ${by === "id" ? "ID" : "digest"} with more than one tag (${image.names.join(", ")}): please force removal`),
      );
      return;
    }
  }
  const e = deleteImage(sim, image, input, r.force === true, r.noPrune === true);
  if (e !== undefined) sim.errors.push(e);
};

/** Children before parents, so that `--all` can remove a whole tree. */
const childrenFirst = (images: ReadonlyArray<ImageRecord>, ids: ReadonlyArray<string>): ReadonlyArray<ImageRecord> => {
  const chosen = images.filter((i) => ids.includes(i.id));
  // A child's history is its parent's plus one entry, so longer histories go first.
  return [...chosen].sort((a, b) => b.history.length - a.history.length || b.created.localeCompare(a.created));
};

/**
 * Plans `rmi`/`prune` as podman decides them: by one of several names only
 * untags; by ID or digest with several names needs force; an image used by
 * containers needs force, which removes those containers; an image with
 * children is not removed; dangling parents are pruned unless `noPrune`.
 */
export const planRemoval =
  (lookup: ImageLookup) =>
  (state: StoreState, request: RemovalRequest): RemovalPlan => {
    const sim: Sim = { images: [...state.images], containers: [...state.containers], steps: [], errors: [] };
    for (const input of request.inputs) removeByInput(sim, input, lookup, request);
    for (const image of childrenFirst(sim.images, request.imageIds ?? [])) {
      if (!sim.images.some((i) => i.id === image.id)) continue;
      const e = deleteImage(sim, image, image.id, request.force === true, request.noPrune === true);
      if (e !== undefined) sim.errors.push(e);
    }
    return { steps: sim.steps, errors: sim.errors };
  };

/** The store state after a plan's steps. */
export const applyRemoval = (state: StoreState, plan: RemovalPlan): StoreState =>
  plan.steps.reduce<StoreState>((s, step) => {
    switch (step.kind) {
      case "untag":
        return { ...s, images: s.images.map((i) => (i.id === step.imageId ? { ...i, names: i.names.filter((n) => n !== step.name) } : i)) };
      case "remove-container":
        return { ...s, containers: s.containers.filter((c) => c.id !== step.containerId) };
      case "delete-image":
      case "prune-parent":
        return { ...s, images: s.images.filter((i) => i.id !== step.imageId) };
    }
  }, state);

/** A one-line description of a step, for `--dry-run` and reports. */
export const describeStep = (step: RemovalStep): string => {
  switch (step.kind) {
    case "untag":
      return `Untagged: ${printable(step.name)}`;
    case "remove-container":
      return `Removed container: ${step.containerId}`;
    case "delete-image":
      return `Deleted: ${step.imageId}`;
    case "prune-parent":
      return `Deleted: ${step.imageId}`;
  }
};
