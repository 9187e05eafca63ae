import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeRegistriesD, storageFor } from "../../../core/registries-d/index.ts";
import { parseNormalizedNamed, type Reference } from "../../../core/reference/index.ts";
import { runs } from "../arbitraries.ts";

const ref = (s: string): Reference => {
  const r = parseNormalizedNamed(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};

describe("registries.d", () => {
  const merged = mergeRegistriesD([
    { path: "a.yaml", document: { "default-docker": { lookaside: "file:///var/lib/containers/sigstore" } } },
    { path: "b.yaml", document: { docker: { "quay.io": { "use-sigstore-attachments": true }, "quay.io/team/app": { sigstore: "https://old.example/sigs" } } } },
  ]);
  it("picks the most specific scope, else default-docker; the legacy sigstore key is lookaside", () => {
    if (E.isLeft(merged)) throw new Error(merged.left.message);
    expect(storageFor(ref("quay.io/team/app:1"))(merged.right)).toEqual({ lookaside: "https://old.example/sigs", useSigstoreAttachments: false });
    expect(storageFor(ref("quay.io/other/x:1"))(merged.right)).toEqual({ useSigstoreAttachments: true });
    expect(storageFor(ref("docker.io/library/busybox"))(merged.right)).toEqual({ lookaside: "file:///var/lib/containers/sigstore", useSigstoreAttachments: false });
  });

  it("refuses a section configured twice, unknown keys and wrong types, naming the files", () => {
    const twice = mergeRegistriesD([
      { path: "a.yaml", document: { docker: { "quay.io": {} } } },
      { path: "b.yaml", document: { docker: { "quay.io": {} } } },
    ]);
    expect(E.isLeft(twice) && twice.left.message).toBe('b.yaml: docker scope "quay.io" is already configured in a.yaml');
    const two = mergeRegistriesD([
      { path: "a.yaml", document: { "default-docker": {} } },
      { path: "b.yaml", document: { "default-docker": {} } },
    ]);
    expect(E.isLeft(two) && two.left.message).toBe("b.yaml: default-docker is already set in a.yaml");
    const bad = mergeRegistriesD([{ path: "a.yaml", document: { docker: { "quay.io": { "use-sigstore-attachments": "yes" } } } }]);
    expect(E.isLeft(bad) && bad.left.message).toBe("a.yaml: docker.quay.io.use-sigstore-attachments: expected true or false");
  });

  it("never throws on arbitrary documents", () => {
    fc.assert(fc.property(fc.array(fc.anything(), { maxLength: 3 }), (docs) => typeof E.isLeft(mergeRegistriesD(docs.map((document, i) => ({ path: `${i}.yaml`, document })))) === "boolean"), runs);
  });
});
