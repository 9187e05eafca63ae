/** Loads registries.conf fixtures (TOML text) through the pure loader, as the adapter would. */
import * as E from "fp-ts/lib/Either.js";
import { parse } from "smol-toml";
import { loadRegistriesConfig, type LoadedRegistries, type RegistriesConfig } from "../../../core/registries/index.ts";

/** The fixtures directory as a file URL base. */
export const fixturesDir = new URL("../../fixtures/registries/", import.meta.url);

/** Reads a fixture file's text (Node and Deno both have node:fs). */
export const fixtureText = async (name: string): Promise<string> => {
  const { readFile } = await import("node:fs/promises");
  return readFile(new URL(name, fixturesDir), "utf8");
};

/** Loads files given as [name, TOML text] in order; the first is the primary file. */
export const load = (files: ReadonlyArray<readonly [string, string]>): E.Either<string, LoadedRegistries> => {
  const r = loadRegistriesConfig(files[0]?.[0] ?? "/etc/containers/registries.conf")(files.map(([file, text]) => ({ file, value: parse(text) })));
  return E.isLeft(r) ? E.left(r.left.message) : E.right(r.right);
};

/** Like {@link load}, and fails the test when the files are refused. */
export const config = (files: ReadonlyArray<readonly [string, string]>): RegistriesConfig => {
  const r = load(files);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right.config;
};

/** The refusal message for files that must be refused. */
export const refusal = (files: ReadonlyArray<readonly [string, string]>): string => {
  const r = load(files);
  return E.isLeft(r) ? r.left : "accepted";
};
