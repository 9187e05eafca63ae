import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anyScope,
  cleanAbsolutePath,
  defaultScopeOnly,
  evaluate,
  identityMatches,
  parsePolicy,
  parseStrictJson,
  pathScopes,
  pathWithOptionalName,
  repositoryScopes,
  requirementsFor,
  type IdentityMatcher,
  type Policy,
  type PolicyTarget,
  type ScopeRules,
} from "../../../core/policy/index.ts";
import { parseNormalizedNamed, type Reference } from "../../../core/reference/index.ts";
import { runs, reference as anyReference } from "../arbitraries.ts";

const ref = (s: string): Reference => {
  const r = parseNormalizedNamed(s);
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
/** The scope rules berth's transports give (the plugins say them; the policy names none). */
const rules: ScopeRules = {
  docker: anyScope,
  atomic: anyScope,
  dir: cleanAbsolutePath,
  oci: pathWithOptionalName,
  "oci-archive": pathWithOptionalName,
  "docker-archive": defaultScopeOnly("docker-archive"),
  tarball: defaultScopeOnly("tarball"),
  "containers-storage": anyScope,
  sif: anyScope,
};
/** A registry image as the docker plugin identifies it. */
const docker = (r: Reference): PolicyTarget => ({ transport: "docker", scopes: repositoryScopes(r), reference: r });
const policy = (doc: unknown): Policy => {
  const r = parsePolicy("policy.json", rules)(JSON.stringify(doc));
  if (E.isLeft(r)) throw new Error(r.left.message);
  return r.right;
};
const why = (text: string): string => {
  const r = parsePolicy("policy.json", rules)(text);
  return E.isLeft(r) ? r.left.message : "accepted";
};
const accept = [{ type: "insecureAcceptAnything" }];
const reject = [{ type: "reject" }];

describe("policy.json is read strictly", () => {
  it("refuses unknown and duplicate fields, unknown types and transports, empty lists, bad scopes", () => {
    expect(why('{"default":[{"type":"reject"}],"extra":1}')).toBe('policy.json: unknown field "extra"');
    expect(why('{"default":[{"type":"reject"}],"default":[]}')).toBe('policy.json: key "default" appears twice');
    expect(why('{"default":[{"type":"reject","keyPath":"/k"}]}')).toBe('policy.json: unknown field "default.0.keyPath"');
    expect(why('{"default":[{"type":"trustMe"}]}')).toBe('policy.json: default.0: unknown requirement type "trustMe"');
    expect(why('{"default":[]}')).toMatch(/default: the list of requirements is empty/);
    expect(why("{}")).toBe('policy.json: the "default" requirements are missing');
    expect(why('{"default":[{"type":"reject"}],"transports":{"ftp":{}}}')).toBe('policy.json: unknown transport "ftp"');
    // As in containers/image, a docker scope that is not an expanded name is allowed, and never matches.
    const short = policy({ default: accept, transports: { docker: { busybox: reject } } });
    expect(requirementsFor(docker(ref("busybox")))(short).scope).toBe("default");
    expect(why('{"default":[{"type":"reject"}],"transports":{"docker-archive":{"/x":[{"type":"reject"}]}}}')).toMatch(/docker-archive takes only the default scope/);
    expect(why('{"default":[{"type":"reject"}],"transports":{"dir":{"/":[{"type":"reject"}]}}}')).toMatch(/invalid scope "\/"/);
    expect(why('{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"/a","keyData":"x"}]}')).toMatch(/give only one of keyPath, keyPaths, keyData/);
    expect(why('{"default":[{"type":"signedBy","keyType":"X509","keyPath":"/a"}]}')).toMatch(/unsupported keyType "X509"/);
    expect(why('{"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"/a","signedIdentity":{"type":"matchExact","x":1}}]}')).toMatch(/unknown field "default.0.signedIdentity.x"/);
    expect(why('{"default":[{"type":"reject"}]} x')).toMatch(/unexpected text after the document/);
  });

  it("reads every requirement and identity type, and parses Fulcio as unsupported rather than accepted", () => {
    const p = policy({
      default: reject,
      transports: {
        docker: {
          "quay.io/a": [{ type: "signedBy", keyType: "GPGKeys", keyPaths: ["/k1", "/k2"], signedIdentity: { type: "remapIdentity", prefix: "quay.io/a", signedPrefix: "example.com/b" } }],
          "quay.io/b": [{ type: "sigstoreSigned", keyData: "AAAA", signedIdentity: { type: "matchRepository" } }],
          "quay.io/c": [{ type: "sigstoreSigned", fulcio: { caPath: "/ca", oidcIssuer: "x", subjectEmail: "y" } }],
          "*.example.com": accept,
        },
      },
    });
    const fulcio = requirementsFor(docker(ref("quay.io/c/d:1")))(p);
    const d = evaluate(fulcio, { shown: "docker://quay.io/c/d:1", manifestDigest: "sha256:x" }, []);
    expect(d).toEqual({ accepted: false, reasons: ["sigstoreSigned: Fulcio certificates are not supported by berth"] });
  });
});

describe("scopes", () => {
  it("walk from the image to its namespaces, host and wildcards, as containers/image does", () => {
    expect(repositoryScopes(ref("registry.example.com:5000/ns/app:1"))).toEqual([
      "registry.example.com:5000/ns/app:1",
      "registry.example.com:5000/ns/app",
      "registry.example.com:5000/ns",
      "registry.example.com:5000",
      "*.example.com",
      "*.com",
    ]);
    expect(repositoryScopes(ref(`busybox@sha256:${"a".repeat(64)}`))[0]).toBe(`docker.io/library/busybox@sha256:${"a".repeat(64)}`);
    expect(pathScopes("/srv/images/app", "v1")).toEqual(["/srv/images/app:v1", "/srv/images/app", "/srv/images", "/srv"]);
    expect(pathScopes("/a/b")).toEqual(["/a/b", "/a"]);
  });

  it("apply only the most specific scope that has requirements", () => {
    const p = policy({ default: reject, transports: { docker: { "": accept, "quay.io/team": reject, "quay.io/team/app": accept, "*.example.com": reject } } });
    const at = (name: string) => requirementsFor(docker(ref(name)))(p).scope;
    expect(at("quay.io/team/app:1")).toBe("quay.io/team/app");
    expect(at("quay.io/team/other:1")).toBe("quay.io/team");
    expect(at("a.b.example.com/x:1")).toBe("*.example.com");
    expect(at("docker.io/library/busybox:1")).toBe("");
    expect(requirementsFor({ transport: "dir", scopes: pathScopes("/x") })(p).scope).toBe("default");
    // A transport the policy knows only by name (no plugin identity): its default scope, else the global one.
    expect(requirementsFor({ transport: "memory", scopes: ["k"] })(p).scope).toBe("default");
  });
});

describe("identity matchers", () => {
  const m = (matcher: IdentityMatcher, image: string, signed: string) => identityMatches(matcher)(ref(image), signed);
  const digest = `sha256:${"b".repeat(64)}`;
  it("follow containers-policy.json(5)", () => {
    expect(m({ type: "matchExact" }, "quay.io/a/b:1", "quay.io/a/b:1")).toBe(true);
    expect(m({ type: "matchExact" }, `quay.io/a/b@${digest}`, "quay.io/a/b:1")).toBe(false);
    expect(m({ type: "matchRepoDigestOrExact" }, `quay.io/a/b@${digest}`, "quay.io/a/b:1")).toBe(true);
    expect(m({ type: "matchRepoDigestOrExact" }, "quay.io/a/b:2", "quay.io/a/b:1")).toBe(false);
    expect(m({ type: "matchRepository" }, "quay.io/a/b:2", "quay.io/a/b:1")).toBe(true);
    expect(m({ type: "matchRepository" }, "quay.io/a/b:2", "quay.io/a/c:2")).toBe(false);
    expect(m({ type: "exactReference", dockerReference: "example.com/x:3" }, "quay.io/a/b:2", "example.com/x:3")).toBe(true);
    expect(m({ type: "exactRepository", dockerRepository: "example.com/x" }, "quay.io/a/b:2", "example.com/x:9")).toBe(true);
    const remap: IdentityMatcher = { type: "remapIdentity", prefix: "mirror.local/vendor", signedPrefix: "vendor.example.com" };
    expect(m(remap, "mirror.local/vendor/app:1", "vendor.example.com/app:1")).toBe(true);
    expect(m(remap, "mirror.local/vendorish/app:1", "vendor.example.comish/app:1")).toBe(false);
    expect(m(remap, "other.local/app:1", "other.local/app:1")).toBe(true);
    expect(m({ type: "matchExact" }, "quay.io/a/b:1", "not a reference")).toBe(false);
  });
});

describe("deciding", () => {
  const image = { shown: "docker://quay.io/a/b:1", reference: ref("quay.io/a/b:1"), manifestDigest: "sha256:m" };
  const signed = policy({ default: [{ type: "sigstoreSigned", keyPath: "/k.pub" }] });
  const applicable = requirementsFor(docker(image.reference))(signed);
  it("needs a verified signature for this digest and an accepted identity, and says why not", () => {
    expect(evaluate(applicable, image, [{ verified: [{ dockerReference: "quay.io/a/b:1", manifestDigest: "sha256:m" }], refused: [] }]).accepted).toBe(true);
    expect(evaluate(applicable, image, []).reasons).toEqual(["sigstoreSigned: a signature was required, but no signature exists"]);
    expect(evaluate(applicable, image, [{ verified: [{ dockerReference: "quay.io/a/b:1", manifestDigest: "sha256:other" }], refused: [] }]).reasons[0]).toMatch(/is for manifest sha256:other/);
    expect(evaluate(applicable, image, [{ verified: [{ dockerReference: "quay.io/evil/b:1", manifestDigest: "sha256:m" }], refused: [] }]).reasons[0]).toMatch(/claims identity "quay.io\/evil\/b:1"/);
    expect(evaluate(applicable, image, [{ verified: [], refused: ["a signature does not verify with /k.pub"] }]).reasons[0]).toBe("sigstoreSigned: a signature does not verify with /k.pub");
  });

  it("a reject default with no matching scope always rejects, whatever the evidence", () => {
    const p = policy({ default: reject, transports: { docker: { "quay.io/only/this": accept } } });
    fc.assert(
      fc.property(anyReference, ({ text: name }) => {
        const parsed = parseNormalizedNamed(name);
        if (E.isLeft(parsed)) return true;
        const r = parsed.right;
        if (r.domain === "quay.io" && r.path === "only/this") return true;
        const d = evaluate(requirementsFor(docker(r))(p), { shown: name, reference: r, manifestDigest: "sha256:x" }, [{ verified: [{ dockerReference: name, manifestDigest: "sha256:x" }], refused: [] }]);
        return !d.accepted;
      }),
      runs,
    );
  });
});

describe("never throwing", () => {
  it("identity matchers, scope checks and scope walks take any input", () => {
    const matcher = fc.oneof(
      fc.constantFrom<IdentityMatcher>({ type: "matchExact" }, { type: "matchRepoDigestOrExact" }, { type: "matchRepository" }),
      fc.string().map((dockerReference): IdentityMatcher => ({ type: "exactReference", dockerReference })),
      fc.string().map((dockerRepository): IdentityMatcher => ({ type: "exactRepository", dockerRepository })),
      fc.tuple(fc.string(), fc.string()).map(([prefix, signedPrefix]): IdentityMatcher => ({ type: "remapIdentity", prefix, signedPrefix })),
    );
    fc.assert(
      fc.property(matcher, anyReference, fc.string(), fc.constantFrom("docker", "dir", "oci", "oci-archive", "docker-archive", "tarball", "sif"), fc.string(), (m, image, signed, transport, scope) => {
        const r = parseNormalizedNamed(image.text);
        const ref = E.isRight(r) ? r.right : undefined;
        expect(typeof identityMatches(m)(ref, signed)).toBe("boolean");
        const why = scope === "" ? undefined : rules[transport]?.(scope);
        expect(why === undefined || typeof why === "string").toBe(true);
        if (ref !== undefined) expect(repositoryScopes(ref).length).toBeGreaterThan(1);
      }),
      runs,
    );
  });
});

describe("strict JSON", () => {
  it("agrees with JSON.parse on documents without duplicate keys", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        const r = parseStrictJson("t")(text);
        expect(E.isRight(r) && JSON.stringify(r.right)).toBe(JSON.stringify(JSON.parse(text)));
      }),
      runs,
    );
  });

  it("never throws on arbitrary text, nor deep nesting", () => {
    fc.assert(fc.property(fc.string(), (s) => E.isLeft(parsePolicy("p", rules)(s)) || E.isRight(parsePolicy("p", rules)(s))), runs);
    expect(E.isLeft(parseStrictJson("t")("[".repeat(100000)))).toBe(true);
    expect(E.isLeft(parseStrictJson("t")('{"__proto__":1,"__proto__":2}'))).toBe(true);
  });
});

describe("a transport the caller brings", () => {
  it("names its own scopes: the policy walks them without knowing the transport", () => {
    const withMemory: ScopeRules = { ...rules, memory: (scope) => (scope.includes("/") ? "a memory key has no /" : undefined) };
    const p = parsePolicy("policy.json", withMemory)(JSON.stringify({ default: accept, transports: { memory: { trusted: accept, "": reject } } }));
    if (E.isLeft(p)) throw new Error(p.left.message);
    expect(requirementsFor({ transport: "memory", scopes: ["trusted"] })(p.right).scope).toBe("trusted");
    expect(requirementsFor({ transport: "memory", scopes: ["other"] })(p.right).scope).toBe("");
    const bad = parsePolicy("policy.json", withMemory)(JSON.stringify({ default: accept, transports: { memory: { "a/b": accept } } }));
    expect(E.isLeft(bad) && bad.left.message).toBe('policy.json: transports.memory: invalid scope "a/b": a memory key has no /');
    // Without its plugin, a policy naming it is refused as containers/image refuses unknown transports.
    expect(E.isLeft(parsePolicy("policy.json", rules)(JSON.stringify({ default: accept, transports: { memory: {} } })))).toBe(true);
  });
});
