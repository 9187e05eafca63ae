import type { Credentials } from "../adapters/config/auth.ts";
import type { HttpClient } from "../adapters/http/client.ts";
import type { Store } from "../adapters/store/store.ts";
import type { HostEnvironment } from "../adapters/config/environment.ts";
import type { ImageLookup } from "../core/store/index.ts";

/** What the built-in transports need to open an image: the local store, and registry access for this side of a copy. */
export interface BuiltinContext {
  readonly host: HostEnvironment;
  readonly store: Store;
  readonly lookup: ImageLookup;
  readonly http: HttpClient;
  /** `false` allows plain HTTP and unverified TLS. */
  readonly tlsVerify: boolean | undefined;
  /** Given credentials, else the auth files are asked. */
  readonly creds: Credentials | undefined;
  /** `--registries.d DIR`: where signatures are stored, per registry (else the default directory). */
  readonly registriesD?: string;
}
