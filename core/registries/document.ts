import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as t from "io-ts";
import { decodeDocument, unknownKeys, type InvalidDocument } from "../codec.ts";

const strings: t.Type<Array<string>> = t.array(t.string, "an array of strings");

/** A `[[registry.mirror]]` table. */
export interface MirrorDocument {
  location?: string;
  insecure?: boolean;
  "pull-from-mirror"?: string;
}
/** A `[[registry]]` table. */
export interface RegistryDocument {
  prefix?: string;
  location?: string;
  insecure?: boolean;
  blocked?: boolean;
  "mirror-by-digest-only"?: boolean;
  "pull-from-mirror"?: string;
  mirror?: Array<MirrorDocument>;
}
/** A v1 `[registries.search]`-style table. */
export interface V1List {
  registries?: Array<string>;
}
/** The registries.conf document as TOML gives it, v1 and v2 keys together. */
export interface RegistriesDocument {
  "unqualified-search-registries"?: Array<string>;
  "short-name-mode"?: string;
  "credential-helpers"?: Array<string>;
  "additional-layer-store-auth-helper"?: string;
  aliases?: Record<string, string>;
  registry?: Array<RegistryDocument>;
  registries?: { search?: V1List; insecure?: V1List; block?: V1List };
}

const mirrorKeys = ["location", "insecure", "pull-from-mirror"];
const registryKeys = ["prefix", "location", "insecure", "blocked", "mirror-by-digest-only", "pull-from-mirror", "mirror"];
const topKeys = [
  "unqualified-search-registries",
  "short-name-mode",
  "credential-helpers",
  "additional-layer-store-auth-helper",
  "aliases",
  "registry",
  "registries",
];

const mirrorDocument: t.Type<MirrorDocument> = t.partial({ location: t.string, insecure: t.boolean, "pull-from-mirror": t.string }, "a [[registry.mirror]] table");
const registryDocument: t.Type<RegistryDocument> = t.partial(
  {
    prefix: t.string,
    location: t.string,
    insecure: t.boolean,
    blocked: t.boolean,
    "mirror-by-digest-only": t.boolean,
    "pull-from-mirror": t.string,
    mirror: t.array(mirrorDocument, "an array of [[registry.mirror]] tables"),
  },
  "a [[registry]] table",
);
const v1List: t.Type<V1List> = t.partial({ registries: strings }, "a table with a registries array");

/** The codec of {@link RegistriesDocument}. */
export const registriesDocument: t.Type<RegistriesDocument> = t.partial(
  {
    "unqualified-search-registries": strings,
    "short-name-mode": t.string,
    "credential-helpers": strings,
    "additional-layer-store-auth-helper": t.string,
    aliases: t.record(t.string, t.string, "a table of strings"),
    registry: t.array(registryDocument, "an array of [[registry]] tables"),
    registries: t.partial({ search: v1List, insecure: v1List, block: v1List }, "a v1 [registries] table"),
  },
  "a registries.conf table",
);


/** Keys the document has that berth (and containers/image) do not know. */
const strayKeys = (value: Record<string, unknown>): string[] => {
  const registries = Array.isArray(value["registry"]) ? (value["registry"] as unknown[]) : [];
  const v1 = value["registries"];
  return [
    ...unknownKeys(value, topKeys, ""),
    ...registries.flatMap((r, i) => [
      ...unknownKeys(r, registryKeys, `registry.${i}`),
      ...(Array.isArray((r as Record<string, unknown>)["mirror"])
        ? ((r as Record<string, unknown>)["mirror"] as unknown[]).flatMap((m, j) => unknownKeys(m, mirrorKeys, `registry.${i}.mirror.${j}`))
        : []),
    ]),
    ...unknownKeys(v1, ["search", "insecure", "block"], "registries"),
    ...["search", "insecure", "block"].flatMap((k) =>
      unknownKeys((v1 as Record<string, unknown> | undefined)?.[k], ["registries"], `registries.${k}`),
    ),
  ];
};

/** A decoded document and the unknown keys it carried (reported, not fatal, as in podman). */
export interface DecodedRegistries {
  readonly document: RegistriesDocument;
  readonly unknownKeys: ReadonlyArray<string>;
}

/** Checks a parsed TOML value from `file` against the registries.conf shape. */
export const decodeRegistriesDocument =
  (file: string) =>
  (value: unknown): E.Either<InvalidDocument, DecodedRegistries> =>
    pipe(
      value,
      decodeDocument(registriesDocument, file),
      E.map((document) => ({ document, unknownKeys: strayKeys(value as Record<string, unknown>) })),
    );
