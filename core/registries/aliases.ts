/**
 * Checks of the short-name aliases of registries.conf files: the name a short
 * name (no registry, tag or digest), the value a repository on a registry (no
 * tag or digest), or empty (no alias).
 *
 * Every command that reads registries.conf checks every alias (a bad one is
 * an error, as in podman), and Debian's shortnames.conf holds sixty: the usual
 * shapes are recognised by two regular expressions, compiled once, and only
 * what they do not recognise goes through the reference parser, which says
 * what is wrong. Each expression accepts a subset of what the parser accepts
 * (tested); neither runs on more than 255 characters (a longer name is never
 * valid), and their repeated parts begin with characters that cannot end the
 * part before them, so they do not backtrack far.
 */
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { nameTotalLengthMax, parseReference } from "../reference/index.ts";
import { printable } from "../text.ts";
import { configError, type RegistriesConfigError } from "./errors.ts";
import { hasRegistry } from "./short-names.ts";

/** `path-component`, lower case letters and digits joined by `.`, `_`, `__` or dashes. */
const component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
/** A lower-case `domain-name`: components of letters and digits joined by dashes, joined by dots. */
const domainName = "[a-z0-9]+(?:-+[a-z0-9]+)*(?:\\.[a-z0-9]+(?:-+[a-z0-9]+)*)*";

const plainName = new RegExp(`^(${component})(/${component})*$`);
const plainRepository = new RegExp(`^(${domainName})(:[0-9]+)?(?:/${component})+$`);

/**
 * Whether `name` is certainly a valid alias name: a lower-case remote name
 * whose first component (before a `/`) cannot be read as a registry.
 */
export const isPlainAliasName = (name: string): boolean => {
  if (name.length > nameTotalLengthMax) return false;
  const m = plainName.exec(name);
  if (m === null) return false;
  const first = m[1] ?? "";
  return m[2] === undefined || (!first.includes(".") && first !== "localhost");
};

/** Whether `value` is certainly a valid alias value: a lower-case registry (with a dot or a port, or `localhost`) and a repository. */
export const isPlainAliasValue = (value: string): boolean => {
  if (value.length > nameTotalLengthMax) return false;
  const m = plainRepository.exec(value);
  if (m === null) return false;
  const host = m[1] ?? "";
  return m[2] !== undefined || host.includes(".") || host === "localhost";
};

/** An alias name is a short name: no registry, no tag, no digest. */
export const checkAliasName = (file: string, name: string): E.Either<RegistriesConfigError, string> => {
  if (isPlainAliasName(name)) return E.right(name);
  const r = parseReference(name);
  if (E.isLeft(r)) return E.left(configError(file, `alias "${printable(name)}": ${r.left.message}`));
  if (r.right.tag !== undefined || r.right.digest !== undefined) {
    return E.left(configError(file, `alias "${printable(name)}": a short name must not contain a tag or digest`));
  }
  if (hasRegistry(r.right)) return E.left(configError(file, `alias "${printable(name)}": a short name must not contain a registry`));
  return E.right(name);
};

/** An alias value names a repository on a registry: no tag, no digest; empty removes the alias. */
export const checkAliasValue = (file: string, name: string, value: string): E.Either<RegistriesConfigError, string> => {
  if (value === "" || isPlainAliasValue(value)) return E.right(value);
  const r = parseReference(value);
  if (E.isLeft(r)) return E.left(configError(file, `alias "${printable(name)}" = "${printable(value)}": ${r.left.message}`));
  if (r.right.tag !== undefined || r.right.digest !== undefined) {
    return E.left(configError(file, `alias "${printable(name)}" = "${printable(value)}": must not contain a tag or digest`));
  }
  if (!hasRegistry(r.right)) {
    return E.left(configError(file, `alias "${printable(name)}" = "${printable(value)}": must contain a registry and a repository`));
  }
  return E.right(value);
};

/** A file's `[aliases]` table checked in its order: the first bad entry is the error. */
export const checkAliases = (file: string, aliases: Readonly<Record<string, string>>): E.Either<RegistriesConfigError, Readonly<Record<string, string>>> => {
  const entries = Object.entries(aliases);
  for (const [name, value] of entries) {
    const checked = pipe(
      checkAliasName(file, name),
      E.chain(() => checkAliasValue(file, name, value)),
    );
    if (E.isLeft(checked)) return checked;
  }
  return E.right(Object.fromEntries(entries));
};
