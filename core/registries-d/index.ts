/** containers-registries.d(5): where each registry's signatures are stored. */
export { mergeRegistriesD, storageFor, type RegistriesD, type RegistriesDError, type SignatureStorage } from "./config.ts";
