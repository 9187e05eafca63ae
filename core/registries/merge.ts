import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import type { RegistriesConfigError } from "./errors.ts";
import { checkConflicts } from "./fragment.ts";
import { emptyRegistriesConfig, type Alias, type RegistriesConfig, type RegistriesFragment, type RegistryEntry } from "./model.ts";

/** `[[registry]]` tables of `later` replace earlier ones with the same prefix, in place; new prefixes go last. */
const mergeRegistries = (earlier: ReadonlyArray<RegistryEntry>, later: ReadonlyArray<RegistryEntry>): ReadonlyArray<RegistryEntry> => [
  ...earlier.map((r) => later.find((l) => l.prefix === r.prefix) ?? r),
  ...later.filter((l) => !earlier.some((r) => r.prefix === l.prefix)),
];

/** Aliases merge by name; an alias set to `""` erases the earlier one. */
const mergeAliases = (earlier: Readonly<Record<string, Alias>>, fragment: RegistriesFragment): Readonly<Record<string, Alias>> => {
  const out: Record<string, Alias> = { ...earlier };
  for (const [name, value] of Object.entries(fragment.aliases)) {
    if (value === "") delete out[name];
    else out[name] = { value, file: fragment.file };
  }
  return out;
};

/** Folds one more file into a configuration. */
export const mergeFragment = (config: RegistriesConfig, f: RegistriesFragment): RegistriesConfig => ({
  ...config,
  files: [...config.files, f.file],
  registries: mergeRegistries(config.registries, f.registries),
  aliases: mergeAliases(config.aliases, f),
  ...(f.unqualifiedSearchRegistries === undefined
    ? {}
    : { unqualifiedSearchRegistries: f.unqualifiedSearchRegistries, unqualifiedSearchRegistriesFile: f.file }),
  ...(f.shortNameMode === undefined ? {} : { shortNameMode: f.shortNameMode }),
  ...(f.credentialHelpers === undefined ? {} : { credentialHelpers: f.credentialHelpers }),
});

/**
 * Merges files in the order read (the main file, then drop-ins) into the
 * effective configuration, and checks the result for conflicting settings.
 */
export const mergeRegistriesConfig =
  (primaryFile: string) =>
  (fragments: ReadonlyArray<RegistriesFragment>): E.Either<RegistriesConfigError, RegistriesConfig> => {
    const merged = fragments.reduce(mergeFragment, emptyRegistriesConfig(primaryFile));
    return pipe(
      checkConflicts(merged.registries),
      E.map(() => merged),
    );
  };
