/** This machine's architecture in OCI terms (`amd64`, `arm64`, …), from Node's. */
export const hostArchitecture = (): string =>
  ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" })[process.arch as string] ?? process.arch;
