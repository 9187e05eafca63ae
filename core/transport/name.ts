import * as E from "fp-ts/lib/Either.js";
import { failure, type Failure } from "../failure.ts";
import { quoted } from "../text.ts";

/** A refused transport-qualified image name. */
export type ImageNameError = Failure<"INVALID_IMAGE_NAME">;

/** Builds an {@link ImageNameError} about `input`. */
export const imageNameError = (input: string, why: string, cause?: unknown): ImageNameError =>
  failure("INVALID_IMAGE_NAME", `invalid image name ${quoted(input)}: ${why}`, cause);

/**
 * How one transport reads the text after `name:`. Plugins supply these; the
 * core knows none of them by name.
 */
export interface TransportSyntax<R> {
  /** The transport's name as typed before the first `:`, e.g. `docker`. */
  readonly name: string;
  /** Parses what follows `name:`; the message of a failure need not repeat the input. */
  readonly parseReference: (rest: string) => E.Either<string, R>;
}

/** A name with its transport, e.g. `oci:/tmp/layout:app` → `{ transport: "oci", reference: … }`. */
export interface ImageName<R> {
  readonly transport: string;
  readonly reference: R;
}

const known = (transports: ReadonlyArray<TransportSyntax<unknown>>): string =>
  transports
    .map((t) => t.name)
    .sort()
    .join(", ");

/**
 * Splits `transport:rest` at the first `:` and hands `rest` to the named
 * transport's parser. The transports are data, so new ones need no change here.
 */
export const parseImageName = <R>(s: string, transports: ReadonlyArray<TransportSyntax<R>>): E.Either<ImageNameError, ImageName<R>> => {
  const colon = s.indexOf(":");
  if (colon <= 0) return E.left(imageNameError(s, `expected TRANSPORT:NAME, with a transport among ${known(transports)}`));
  const name = s.slice(0, colon);
  const transport = transports.find((t) => t.name === name);
  if (transport === undefined) return E.left(imageNameError(s, `unknown transport ${quoted(name)} (known: ${known(transports)})`));
  const parsed = transport.parseReference(s.slice(colon + 1));
  return E.isLeft(parsed) ? E.left(imageNameError(s, parsed.left)) : E.right({ transport: name, reference: parsed.right });
};
