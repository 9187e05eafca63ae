import type { BuiltinContext } from "./builtin-context.ts";
import { builtinTransports, type BuiltinReference } from "./builtin.ts";
import type { TransportPlugin } from "./contract.ts";
import type { OciLayoutReference } from "./oci/reference.ts";
import { dirPlugin } from "./dir/layout.ts";
import type { DirReference } from "./dir/reference.ts";
import { dockerArchivePlugin } from "./docker-archive/archive.ts";
import type { DockerArchiveReference } from "./docker-archive/reference.ts";
import { dockerPlugin } from "./docker/plugin.ts";
import { ociArchivePlugin } from "./oci-archive/archive.ts";
import { ociPlugin } from "./oci/layout.ts";
import { storePlugin } from "./store/plugin.ts";

/**
 * A plugin in a table of many: its open functions only ever get references
 * its own parser produced (the table pairs them by name), so widening the
 * reference type is safe though TypeScript cannot see it.
 */
const widen = <R extends BuiltinReference>(p: TransportPlugin<R, BuiltinContext>): TransportPlugin<BuiltinReference, BuiltinContext> =>
  p as unknown as TransportPlugin<BuiltinReference, BuiltinContext>;

const opening = [
  widen(dockerPlugin),
  widen(storePlugin),
  widen(ociPlugin as TransportPlugin<OciLayoutReference, BuiltinContext>),
  widen(dirPlugin as TransportPlugin<DirReference, BuiltinContext>),
  widen(ociArchivePlugin as TransportPlugin<OciLayoutReference, BuiltinContext>),
  widen(dockerArchivePlugin as TransportPlugin<DockerArchiveReference, BuiltinContext>),
];

/** The transports berth ships, as plugins: those that can open images so far (docker://, store:, oci:, dir:, oci-archive:, docker-archive:), and the syntax of the rest. */
export const builtinPlugins: ReadonlyArray<TransportPlugin<BuiltinReference, BuiltinContext>> = builtinTransports.map(
  (t) => opening.find((p) => p.name === t.name) ?? t,
);
