import type * as E from "fp-ts/lib/Either.js";
import type { Failure } from "../core/failure.ts";
import type { Reference } from "../core/reference/index.ts";
import type { ImageLookup } from "../core/store/index.ts";
import type { HostEnvironment } from "../adapters/config/environment.ts";
import type { HttpClient } from "../adapters/http/client.ts";
import type { Store } from "../adapters/store/store.ts";
import type { RegistryClient, RegistryContext } from "./docker/registry.ts";

/** A registry conversation opened on berth's terms, with those terms (for opening more alike). */
export interface RegistryConversation {
  readonly client: RegistryClient;
  readonly context: RegistryContext;
  /** Plain HTTP or unverified TLS allowed (asked for, or registries.conf `insecure`). */
  readonly insecure: boolean;
}

/**
 * What the built-in transports need to open an image, for one side of a
 * copy: the local store, and registry access as the composition root
 * settles it (credentials from the auth-file chain or given, TLS, CAs,
 * registries.conf, retries).
 */
export interface BuiltinContext {
  readonly host: HostEnvironment;
  readonly store: Store;
  readonly lookup: ImageLookup;
  readonly http: HttpClient;
  /** `--registries.d DIR`: where signatures are stored, per registry (else the default directory). */
  readonly registriesD?: string;
  /** More names for what is written, where the transport records names (a docker archive's RepoTags: skopeo's `--additional-tag`). */
  readonly additionalTags?: ReadonlyArray<Reference>;
  /** The most bytes a layer may decompress to where a transport decompresses one (a docker archive): more is a bomb. */
  readonly maxLayerBytes?: number;
  /** Opens a conversation with the repository `ref` names (`push` asks for push access too). */
  readonly registry: (ref: Reference, push: boolean) => Promise<E.Either<Failure, RegistryConversation>>;
}
