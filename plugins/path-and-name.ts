/**
 * The `PATH[:NAME]` split shared by the file transports: the path ends at the
 * first `:`, so a path cannot hold one (as in containers/image on Unix).
 */
export const splitPathAndName = (rest: string): { readonly path: string; readonly name: string | undefined } => {
  const colon = rest.indexOf(":");
  return colon < 0 ? { path: rest, name: undefined } : { path: rest.slice(0, colon), name: rest.slice(colon + 1) };
};

/**
 * The grammar of `org.opencontainers.image.ref.name` values: components of
 * alphanumerics joined by `-._:@+` or `--`, separated by `/`.
 */
export const isOciRefName = (s: string): boolean =>
  s.split("/").every((component) => /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*$/.test(component));
