import type { Command } from "../command.ts";
import { resolveCommand } from "./resolve.ts";

/** The sub-commands berth has so far, in the order help lists them. */
export const commands: ReadonlyArray<Command> = [resolveCommand];
