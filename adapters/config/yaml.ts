/** The YAML parser, in a module of its own so that commands load it only when a YAML file is read. */
export { parse as parseYaml } from "yaml";
