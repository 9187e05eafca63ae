/** Exit codes, as podman uses them (defined with the library, which maps failures to them). */
export { exitCodes, type ExitCode } from "../api/exit-codes.ts";
