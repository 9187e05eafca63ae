import type { Platform } from "../core/manifest/index.ts";
/** This machine's architecture in OCI terms (`amd64`, `arm64`, …), from Node's. */
export const hostArchitecture = (): string =>
  ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" })[process.arch as string] ?? process.arch;

/** The platform images are chosen for by default: Linux on this machine's architecture (podman's default too, on any host). */
export const hostPlatform = (): Platform => ({ os: "linux", architecture: hostArchitecture() });
