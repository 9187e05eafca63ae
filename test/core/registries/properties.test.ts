import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReference } from "../../../core/reference/index.ts";
import { hasRegistry, loadRegistriesConfig, localLookupOrder, pullSources, resolveShortName } from "../../../core/registries/index.ts";
import { anyString, domain, path, reference, runs } from "../arbitraries.ts";

const main = "/etc/containers/registries.conf";
const registryLike = domain.filter((d) => /[.:]/.test(d) || d.startsWith("localhost"));
const prefix = fc.tuple(registryLike, fc.option(path, { nil: undefined })).map(([d, p]) => (p === undefined ? d : `${d}/${p}`));

/** A registries.conf document as TOML would parse it, built from the documented keys. */
const document = fc.record(
  {
    "unqualified-search-registries": fc.array(registryLike, { maxLength: 4 }),
    "short-name-mode": fc.constantFrom("enforcing", "permissive", "disabled", ""),
    registry: fc.array(
      fc.record(
        {
          prefix,
          location: prefix,
          insecure: fc.boolean(),
          blocked: fc.boolean(),
          "mirror-by-digest-only": fc.boolean(),
          mirror: fc.array(fc.record({ location: prefix, insecure: fc.boolean() }, { requiredKeys: ["location"] }), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
    aliases: fc.dictionary(
      path.filter((p) => !p.includes(".")),
      prefix.filter((p) => !p.startsWith("*")),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: [] },
);

const load = (docs: ReadonlyArray<unknown>) => loadRegistriesConfig(main)(docs.map((value, i) => ({ file: i === 0 ? main : `${main}.d/${i}.conf`, value })));

describe("registries properties", () => {
  it("a fully-qualified name always yields exactly one candidate", () => {
    fc.assert(
      fc.property(document, reference, fc.boolean(), (doc, g, tty) => {
        const c = load([doc]);
        const typed = parseReference(g.text);
        const applies = E.isRight(c) && E.isRight(typed) && hasRegistry(typed.right);
        fc.pre(applies);
        if (!applies || E.isLeft(c)) return;
        const plan = resolveShortName(g.text, c.right.config, { tty });
        expect(E.isRight(plan) && plan.right.candidates.length).toBe(1);
      }),
      runs,
    );
  });

  it("search order is preserved", () => {
    fc.assert(
      fc.property(fc.array(registryLike, { minLength: 1, maxLength: 5 }), path, (usr, p) => {
        const typed = parseReference(p);
        fc.pre(E.isRight(typed) && !hasRegistry(typed.right));
        const c = load([{ "unqualified-search-registries": usr, "short-name-mode": "disabled" }]);
        if (E.isLeft(c)) throw new Error(c.left.message);
        const plan = resolveShortName(p, c.right.config, { tty: false });
        if (E.isLeft(plan)) throw new Error(plan.left.message);
        const hosts = plan.right.candidates.map((x) => x.name.slice(0, x.name.indexOf("/")));
        expect(hosts).toEqual(usr.map((u) => (u === "index.docker.io" ? "docker.io" : u)));
      }),
      runs,
    );
  });

  it("resolution, pull sources and local lookup never throw on any config the codec accepts", () => {
    fc.assert(
      fc.property(fc.oneof(document, fc.object()), fc.oneof(anyString, reference.map((g) => g.text)), fc.boolean(), (doc, input, tty) => {
        const c = load([doc]);
        if (E.isLeft(c)) {
          expect(c.left.code).toBe("INVALID_CONFIG");
          expect(c.left.message.includes("\n")).toBe(false);
          return;
        }
        const plan = resolveShortName(input, c.right.config, { tty });
        if (E.isLeft(plan)) expect(plan.left.message.includes("\n")).toBe(false);
        const typed = parseReference(input);
        if (E.isRight(typed) && typed.right.domain !== "") pullSources(c.right.config)(typed.right);
        expect(typeof E.isRight(localLookupOrder(input, c.right.config))).toBe("boolean");
      }),
      runs,
    );
  });

  it("merging a file with itself changes nothing", () => {
    fc.assert(
      fc.property(document, (doc) => {
        const once = load([doc]);
        fc.pre(E.isRight(once));
        const twice = loadRegistriesConfig(main)([
          { file: main, value: doc },
          { file: main, value: doc },
        ]);
        if (E.isLeft(once) || E.isLeft(twice)) throw new Error("the same document loaded once but not twice");
        expect({ ...twice.right.config, files: [] }).toEqual({ ...once.right.config, files: [] });
      }),
      runs,
    );
  });
});
