/** How short names are resolved when several registries could serve them. */
export type ShortNameMode = "enforcing" | "permissive" | "disabled";

/** When a mirror is used: for every pull, only by digest, or only by tag. */
export type PullFromMirror = "all" | "digest-only" | "tag-only";

/** Where a setting came from, so that errors and `berth resolve` can name the file. */
export interface Origin {
  readonly file: string;
}

/** A mirror of a `[[registry]]` namespace. */
export interface Mirror {
  readonly location: string;
  readonly insecure: boolean;
  readonly pullFromMirror: PullFromMirror | undefined;
}

/** One `[[registry]]` table after validation: prefix and location always set. */
export interface RegistryEntry extends Origin {
  /** What image names it applies to: `host[:port][/ns…][/repo]`, or `*.domain`. */
  readonly prefix: string;
  /** Where they physically live; `""` only for a wildcard prefix (the name's own host). */
  readonly location: string;
  readonly insecure: boolean;
  readonly blocked: boolean;
  readonly mirrorByDigestOnly: boolean;
  readonly mirrors: ReadonlyArray<Mirror>;
}

/** A short-name alias: `name` → fully-qualified repository, with its file. */
export interface Alias extends Origin {
  readonly value: string;
}

/**
 * What one registries.conf file says. Absent fields leave earlier files'
 * values alone when files are merged; present ones replace them.
 */
export interface RegistriesFragment extends Origin {
  readonly unqualifiedSearchRegistries?: ReadonlyArray<string>;
  readonly shortNameMode?: ShortNameMode;
  readonly credentialHelpers?: ReadonlyArray<string>;
  /** `""` values erase an alias set by an earlier file. */
  readonly aliases: Readonly<Record<string, string>>;
  readonly registries: ReadonlyArray<RegistryEntry>;
}

/** The effective configuration after all files are merged. */
export interface RegistriesConfig {
  /** Every file that contributed, in the order read. */
  readonly files: ReadonlyArray<string>;
  /** The main file (named in messages when no other file is more specific). */
  readonly primaryFile: string;
  readonly unqualifiedSearchRegistries: ReadonlyArray<string>;
  /** The file that set the search registries, if any did. */
  readonly unqualifiedSearchRegistriesFile: string | undefined;
  readonly shortNameMode: ShortNameMode;
  readonly credentialHelpers: ReadonlyArray<string>;
  readonly aliases: Readonly<Record<string, Alias>>;
  readonly registries: ReadonlyArray<RegistryEntry>;
}

/** The configuration when there are no files at all. */
export const emptyRegistriesConfig = (primaryFile: string): RegistriesConfig => ({
  files: [],
  primaryFile,
  unqualifiedSearchRegistries: [],
  unqualifiedSearchRegistriesFile: undefined,
  shortNameMode: "permissive",
  credentialHelpers: ["containers-auth.json"],
  aliases: {},
  registries: [],
});
