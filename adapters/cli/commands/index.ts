import type { Command } from "../command.ts";
import { checkCommand } from "./check.ts";
import { createCommand, mountCommand, psCommand, rmCommand } from "./containers.ts";
import { imagesCommand } from "./images.ts";
import { importCommand } from "./import.ts";
import { historyCommand, inspectCommand } from "./inspect.ts";
import { resolveCommand } from "./resolve.ts";
import { pullCommand } from "./pull.ts";
import { pushCommand } from "./push.ts";
import { pruneCommand, rmiCommand } from "./rmi.ts";
import { tagCommand, untagCommand } from "./tag.ts";

/** The sub-commands berth has so far, in the order help lists them. */
export const commands: ReadonlyArray<Command> = [
  pullCommand,
  pushCommand,
  imagesCommand,
  importCommand,
  tagCommand,
  untagCommand,
  rmiCommand,
  pruneCommand,
  inspectCommand,
  historyCommand,
  createCommand,
  psCommand,
  rmCommand,
  mountCommand,
  resolveCommand,
  checkCommand,
];
