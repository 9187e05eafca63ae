/**
 * No library call rejects where it should give a Left: a plugin that throws
 * at every step it can, and a store whose records are garbage, give each
 * call a failure value with one line (and the Promise API a BerthError).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { BerthError, openBerth, type BuiltinContext, type TransportPlugin } from "../../index.ts";
import type { ImageDestination, ImageSource } from "../../plugins/contract.ts";
import { tempDir } from "../tmp.ts";

const root = tempDir();
const steps = ["openSource", "openDestination", "manifest", "blob", "hasBlob", "putBlob", "putManifest", "commit", "close"] as const;
/** `ok` breaks nowhere: the working side of a copy whose other side breaks. */
type Step = (typeof steps)[number] | "ok";

const boom = (where: string): never => {
  throw new Error(`${where} broke`);
};

/** `broken:STEP`: a transport that throws at STEP and works (in memory) otherwise. */
const broken: TransportPlugin<{ step: Step }, BuiltinContext> = {
  name: "broken",
  parseReference: (rest) => (rest === "ok" || steps.includes(rest as (typeof steps)[number]) ? E.right({ step: rest as Step }) : E.left("broken:STEP")),
  openSource: async ({ step }) => {
    if (step === "openSource") boom(step);
    const config = new TextEncoder().encode('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const { createHash } = await import("node:crypto");
    const digest = `sha256:${createHash("sha256").update(config).digest("hex")}`;
    const manifest = new TextEncoder().encode(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest, size: config.byteLength }, layers: [] }));
    const source: ImageSource = {
      manifest: async () => (step === "manifest" ? boom(step) : E.right({ bytes: manifest, mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${createHash("sha256").update(manifest).digest("hex")}` })),
      blob: async () =>
        step === "blob"
          ? boom(step)
          : E.right(
              (async function* () {
                yield config;
              })(),
            ),
      close: async () => (step === "close" ? boom(step) : undefined),
    };
    return E.right(source);
  },
  openDestination: async ({ step }) => {
    if (step === "openDestination") boom(step);
    const destination: ImageDestination = {
      acceptedManifestTypes: ["application/vnd.oci.image.manifest.v1+json"],
      hasBlob: async () => (step === "hasBlob" ? boom(step) : false),
      putBlob: async (_d, stream) => {
        if (step === "putBlob") boom(step);
        for await (const _ of stream) void _;
        return E.right(undefined);
      },
      putManifest: async () => (step === "putManifest" ? boom(step) : E.right(undefined)),
      commit: async () => (step === "commit" ? boom(step) : E.right({ id: "x" })),
      close: async () => (step === "close" ? boom(step) : undefined),
    };
    return E.right(destination);
  },
};

/** How a TaskEither ended: a Right, a Left with its message, or (what must never happen) a rejection. */
const outcome = (call: () => Promise<E.Either<{ readonly message: string }, unknown>>): Promise<{ kind: "worked" | "a Left" | "rejected"; message: string }> =>
  call().then(
    (r) => (E.isLeft(r) ? { kind: "a Left" as const, message: r.left.message } : { kind: "worked" as const, message: "" }),
    (e: unknown) => ({ kind: "rejected" as const, message: String(e) }),
  );

describe("failures are values", () => {
  it("a plugin that throws at any step fails the copy and its plan as a Left, and the Promise API with a BerthError", async () => {
    const berth = await openBerth({ root: join(root, "store"), insecurePolicy: true, transports: [broken] });
    const outcomes: string[] = [];
    for (const step of steps) {
      // The source breaks, then the destination: each step breaks the copy and its plan as a value, or is not reached.
      for (const [from, to] of [
        [`broken:${step}`, `oci:${join(root, `out-${step}`)}:x`],
        ["broken:ok", `broken:${step}`],
      ] as const) {
        for (const [what, call] of [
          ["copy", () => berth.te.copy(from, to)()],
          ["plan", () => berth.te.planCopy(from, to)()],
        ] as const) {
          const r = await outcome(call);
          if (r.kind === "worked") continue;
          expect([step, what, r.kind, r.message.split("\n").length]).toEqual([step, what, "a Left", 1]);
          outcomes.push(`${what} ${from} → ${to}: ${r.message}`);
        }
      }
      const thrown = await berth.copy(`broken:${step}`, `broken:${step}`).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (thrown !== undefined) expect([step, thrown instanceof BerthError]).toEqual([step, true]);
    }
    // Every step that can break did, as a value.
    expect(outcomes.length).toBeGreaterThanOrEqual(steps.length);
  });

  it("a store whose records are garbage fails every call that reads them as a Left", async () => {
    const store = join(root, "garbage");
    mkdirSync(join(store, "berth"), { recursive: true });
    writeFileSync(join(store, "berth", "state.json"), "{ this is not json");
    const berth = await openBerth({ root: store, insecurePolicy: true });
    const calls = [
      berth.te.images(),
      berth.te.inspect("x"),
      berth.te.history("x"),
      berth.te.historyRows("x"),
      berth.te.tag("x", "y"),
      berth.te.untag("x"),
      berth.te.remove(["x"]),
      berth.te.prune(),
      berth.te.create("x"),
      berth.te.containers(),
      berth.te.container("x"),
      berth.te.removeContainer(["x"]),
      berth.te.save({ images: ["x"], output: join(root, "never.tar") }),
      berth.te.push("x", "localhost:1/x:1"),
      berth.te.planPush("x", "localhost:1/x:1"),
      berth.te.copy("store:x", `oci:${join(root, "never")}:x`),
    ];
    for (const [i, call] of calls.entries()) {
      const r = await outcome(call);
      expect([i, r.kind, r.message.split("\n").length]).toEqual([i, "a Left", 1]);
      expect(r.message).toContain("state.json");
    }
  });
});
