import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyRemoval, childrenOf, planRemoval, type ImageRecord, type RemovalRequest, type StoreState } from "../../../core/store/index.ts";
import { runs } from "../arbitraries.ts";
import { ctr, img, lookup, state } from "./fixtures.ts";

const plan = planRemoval(lookup);
const base = img("base", { names: ["docker.io/library/base:1"], created: "2024-01-01T00:00:00Z", diffIds: ["sha256:a"], history: ["ha"] });
const mid = img("mid", { created: "2024-02-01T00:00:00Z", diffIds: ["sha256:a", "sha256:b"], history: ["ha", "hb"] });
const app = img("app", { names: ["quay.io/team/app:2", "localhost/app:latest"], created: "2024-03-01T00:00:00Z", diffIds: ["sha256:a", "sha256:b", "sha256:c"], history: ["ha", "hb", "hc"] });
const solo = img("solo", { names: ["localhost/solo:latest"], created: "2024-04-01T00:00:00Z", diffIds: ["sha256:s"], history: ["hs"] });
const world: StoreState = state([base, mid, app, solo]);
const req = (inputs: string[], more: Partial<RemovalRequest> = {}): RemovalRequest => ({ inputs, ...more });
const short = (id: string): string => ({ [base.id]: "base", [mid.id]: "mid", [app.id]: "app", [solo.id]: "solo" })[id] ?? id;
const steps = (p: ReturnType<typeof plan>) => p.steps.map((s) => `${s.kind} ${"name" in s ? s.name : "containerId" in s ? s.containerId.slice(0, 4) : short(s.imageId)}`);

describe("removal planning", () => {
  it("by one of several names only untags that name", () => {
    const p = plan(world, req(["app"]));
    expect(steps(p)).toEqual(["untag localhost/app:latest"]);
    expect(p.errors).toEqual([]);
  });

  it("by the last name deletes the image and prunes its dangling parent, not a named one", () => {
    const p = plan(world, req(["localhost/app", "quay.io/team/app:2"]));
    expect(steps(p)).toEqual(["untag localhost/app:latest", "delete-image app", "prune-parent mid"]);
    expect(steps(plan(world, req(["localhost/app", "quay.io/team/app:2"], { noPrune: true })))).toEqual(["untag localhost/app:latest", "delete-image app"]);
  });

  it("by ID with several names needs force", () => {
    const p = plan(world, req([app.id.slice(0, 8)]));
    expect(p.steps).toEqual([]);
    expect(p.errors.map((e) => e.code)).toEqual(["IMAGE_MULTIPLE_NAMES"]);
    expect(p.errors[0]?.message).toBe(`unable to delete image "${app.id}" by ID with more than one tag (quay.io/team/app:2, localhost/app:latest): please force removal`);
    expect(steps(plan(world, req([app.id.slice(0, 8)], { force: true })))).toEqual(["delete-image app", "prune-parent mid"]);
  });

  it("an image used by a container needs force, which removes the container", () => {
    const withCtr = state([base, mid, app, solo], [ctr("web", solo)]);
    const p = plan(withCtr, req(["solo"]));
    expect(p.errors.map((e) => e.code)).toEqual(["IMAGE_IN_USE"]);
    expect(steps(plan(withCtr, req(["solo"], { force: true })))).toEqual([`remove-container ${ctr("web", solo).id.slice(0, 4)}`, "delete-image solo"]);
  });

  it("an image with children is not removed", () => {
    const p = plan(world, req(["base:1"]));
    expect(p.errors.map((e) => [e.code, e.message])).toEqual([["IMAGE_HAS_CHILDREN", `image ${base.id.slice(0, 12)} has dependent child images`]]);
  });

  it("a missing name is exit 1, or skipped with ignore; the first error decides the exit code", () => {
    expect(plan(world, req(["nothere"])).errors.map((e) => e.code)).toEqual(["IMAGE_NOT_FOUND"]);
    expect(plan(world, req(["nothere"], { ignore: true }))).toEqual({ steps: [], errors: [] });
    const p = plan(world, req(["nothere", "base:1", "solo"]));
    expect([p.errors[0]?.code, steps(p)]).toEqual(["IMAGE_NOT_FOUND", ["delete-image solo"]]);
  });

  it("all images go children first", () => {
    const p = plan(world, req([], { imageIds: world.images.map((i) => i.id) }));
    expect(steps(p)).toEqual(["delete-image app", "prune-parent mid", "delete-image solo", "delete-image base"]);
    expect(applyRemoval(world, p).images).toEqual([]);
  });
});

/** Random image trees: each image builds on an earlier one or starts afresh. */
const stateArb: fc.Arbitrary<StoreState> = fc
  .tuple(
    fc.array(fc.record({ parent: fc.nat(), fresh: fc.boolean(), names: fc.subarray(["a", "b", "c", "d", "quay.io/x/e"]) }), { minLength: 1, maxLength: 7 }),
    fc.array(fc.nat(), { maxLength: 3 }),
  )
  .map(([specs, ctrs]) => {
    const images: ImageRecord[] = [];
    const taken = new Set<string>();
    specs.forEach((s, i) => {
      const parent = images.length === 0 || s.fresh ? undefined : images[s.parent % images.length];
      const names = s.names.map((n) => (n.includes("/") ? `${n}:latest` : `localhost/${n}:latest`)).filter((n) => !taken.has(n));
      names.forEach((n) => taken.add(n));
      images.push(
        img(`i${i}`, {
          names,
          created: `2024-01-${String(i + 1).padStart(2, "0")}T00:00:00Z`,
          diffIds: [...(parent?.diffIds ?? []), `sha256:${i}`],
          history: [...(parent?.history ?? []), `h${i}`],
        }),
      );
    });
    return state(
      images,
      ctrs.map((c, k) => ctr(`c${k}`, images[c % images.length] as ImageRecord)),
    );
  });

const requestArb = (s: StoreState): fc.Arbitrary<RemovalRequest> =>
  fc.record({
    inputs: fc.array(fc.oneof(fc.constantFrom(...s.images.flatMap((i) => [...i.names, i.id.slice(0, 10)]), "a", "b", "nothere"), fc.string()), { maxLength: 4 }),
    imageIds: fc.oneof(fc.constant([] as string[]), fc.subarray(s.images.map((i) => i.id))),
    force: fc.boolean(),
    ignore: fc.boolean(),
    noPrune: fc.boolean(),
  });

describe("removal properties", () => {
  const scenario = stateArb.chain((s) => requestArb(s).map((r) => [s, r] as const));

  it("never leaves a container whose image is gone, nor an image whose parent is gone", () => {
    fc.assert(
      fc.property(scenario, ([s, r]) => {
        const after = applyRemoval(s, plan(s, r));
        for (const c of after.containers) expect(after.images.some((i) => i.id === c.imageId)).toBe(true);
        for (const i of s.images) {
          if (!after.images.some((a) => a.id === i.id)) expect(childrenOf(i, after.images)).toEqual([]);
        }
      }),
      runs,
    );
  });

  it("never deletes an image that keeps a name nobody asked to remove, unless forced or selected whole", () => {
    fc.assert(
      fc.property(scenario, ([s, r]) => {
        const p = plan(s, { ...r, force: false, imageIds: [] });
        for (const step of p.steps) {
          if (step.kind === "delete-image") expect(step.names.length).toBeLessThan(2);
          if (step.kind === "prune-parent") expect(s.images.find((i) => i.id === step.imageId)?.names).toEqual([]);
          expect(step.kind).not.toBe("remove-container");
        }
      }),
      runs,
    );
  });

  it("planning never throws, and every error is about a name that was asked for", () => {
    fc.assert(
      fc.property(scenario, ([s, r]) => {
        const p = plan(s, r);
        expect(p.errors.every((e) => r.inputs.includes(e.input) || (r.imageIds ?? []).includes(e.input))).toBe(true);
      }),
      runs,
    );
  });
});
