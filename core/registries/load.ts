import * as RA from "fp-ts/lib/ReadonlyArray.js";
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import * as t from "io-ts";
import { decodeDocument, unknownKeys } from "../codec.ts";
import { decodeRegistriesDocument } from "./document.ts";
import { configError, type RegistriesConfigError } from "./errors.ts";
import { registriesFragment } from "./fragment.ts";
import { mergeRegistriesConfig } from "./merge.ts";
import type { RegistriesConfig } from "./model.ts";
import type { AliasCache } from "./short-names.ts";

/** A parsed TOML document and the file it came from. */
export interface SourceDocument {
  readonly file: string;
  readonly value: unknown;
}

/** The effective configuration and what was noticed but not fatal (unknown keys). */
export interface LoadedRegistries {
  readonly config: RegistriesConfig;
  readonly warnings: ReadonlyArray<string>;
}

/**
 * Builds the effective configuration from parsed files in the order they are
 * read (main file first, drop-ins after): decode, validate, merge. The first
 * problem wins, and nothing of a bad set of files is used.
 */
export const loadRegistriesConfig =
  (primaryFile: string) =>
  (documents: ReadonlyArray<SourceDocument>): E.Either<RegistriesConfigError, LoadedRegistries> =>
    pipe(
      documents,
      RA.traverse(E.Applicative)(({ file, value }) =>
        pipe(
          decodeRegistriesDocument(file)(value),
          E.chain(({ document, unknownKeys: stray }) =>
            pipe(
              registriesFragment(file)(document),
              E.map((fragment) => ({ fragment, warnings: stray.map((k) => `${file}: unknown key "${k}" ignored`) })),
            ),
          ),
        ),
      ),
      E.chain((parts) =>
        pipe(
          mergeRegistriesConfig(primaryFile)(parts.map((p) => p.fragment)),
          E.map((config) => ({ config, warnings: parts.flatMap((p) => p.warnings) })),
        ),
      ),
    );

const aliasCacheDocument = t.partial({ aliases: t.record(t.string, t.string, "a table of strings") }, "a short-name-aliases.conf table");

/** Reads the machine-written alias cache (a TOML `[aliases]` table). */
export const decodeAliasCache =
  (file: string) =>
  (value: unknown): E.Either<RegistriesConfigError, AliasCache> =>
    pipe(
      decodeDocument(aliasCacheDocument, file)(value),
      E.chain((doc) => {
        const stray = unknownKeys(value, ["aliases"], "");
        return stray.length > 0
          ? E.left(configError(file, `unknown key "${stray[0]}" in the alias cache`))
          : E.right({ file, aliases: doc.aliases ?? {} });
      }),
    );
