import { failure, type Failure } from "../failure.ts";

/** A registries.conf (or alias cache) that cannot be used, with the file and the reason. */
export type RegistriesConfigError = Failure<"INVALID_CONFIG">;

/** `FILE: reason` as an {@link RegistriesConfigError}. */
export const configError = (file: string, reason: string): RegistriesConfigError => failure("INVALID_CONFIG", `${file}: ${reason}`);
