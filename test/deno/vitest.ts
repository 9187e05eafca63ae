/**
 * The small part of Vitest's API that the tests run on Deno use (the pure
 * suites, the library's, the HTTP client's), on Deno's own test runner, so
 * that the same test files run unchanged under `deno test`.
 * deno.json maps the `vitest` import here.
 */
import { AssertionError, deepStrictEqual } from "node:assert";

const prefixes: string[] = [];
const title = (name: string): string => [...prefixes, name].join(" > ");

type Body = () => void | Promise<void>;

export const describe = (name: string, body: () => void): void => {
  prefixes.push(name);
  try {
    body();
  } finally {
    prefixes.pop();
  }
};

// beforeAll runs once, before the first test of the file; afterAll after its last (a test registered once the file has loaded).
const befores: Body[] = [];
const afters: Body[] = [];
let before: Promise<void> | undefined;
const ready = (): Promise<void> =>
  (before ??= (async () => {
    for (const f of befores) await f();
  })());

export const beforeAll = (fn: Body, _timeout?: number): void => {
  befores.push(fn);
};

export const afterAll = (fn: Body, _timeout?: number): void => {
  if (afters.length === 0) {
    queueMicrotask(() =>
      Deno.test({ name: "after all", sanitizeOps: false, sanitizeResources: false }, async () => {
        for (const f of afters) await f();
      }),
    );
  }
  afters.push(fn);
};

// Tests that start peers (a registry, a child process) in beforeAll would trip Deno's per-test leak checks.
export const it = (name: string, fn: Body, _timeout?: number): void => {
  Deno.test({ name: title(name), sanitizeOps: false, sanitizeResources: false }, async () => {
    await ready();
    await fn();
  });
};
export const test = it;

const fail = (message: string): never => {
  throw new AssertionError({ message });
};

const show = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

const throws = (fn: unknown): { threw: boolean; error: unknown } => {
  try {
    (fn as () => unknown)();
    return { threw: false, error: undefined };
  } catch (error) {
    return { threw: true, error };
  }
};

const matchers = (actual: unknown, negate: boolean) => {
  const check = (pass: boolean, message: string): void => {
    if (pass === negate) fail(negate ? `expected not: ${message}` : message);
  };
  const equal = (expected: unknown): boolean => {
    try {
      deepStrictEqual(actual, expected);
      return true;
    } catch {
      return false;
    }
  };
  return {
    toBe: (expected: unknown) => check(Object.is(actual, expected), `${show(actual)} to be ${show(expected)}`),
    toEqual: (expected: unknown) => check(equal(expected), `${show(actual)} to equal ${show(expected)}`),
    toStrictEqual: (expected: unknown) => check(equal(expected), `${show(actual)} to equal ${show(expected)}`),
    toBeTruthy: () => check(Boolean(actual), `${show(actual)} to be truthy`),
    toBeFalsy: () => check(!actual, `${show(actual)} to be falsy`),
    toBeUndefined: () => check(actual === undefined, `${show(actual)} to be undefined`),
    toBeDefined: () => check(actual !== undefined, `${show(actual)} to be defined`),
    toContain: (item: unknown) =>
      check(
        typeof actual === "string" ? actual.includes(String(item)) : Array.isArray(actual) && actual.includes(item),
        `${show(actual)} to contain ${show(item)}`,
      ),
    toHaveLength: (n: number) => check((actual as { length: number }).length === n, `${show(actual)} to have length ${n}`),
    toMatch: (re: RegExp | string) =>
      check(typeof actual === "string" && (typeof re === "string" ? actual.includes(re) : re.test(actual)), `${show(actual)} to match ${String(re)}`),
    toBeGreaterThan: (n: number) => check((actual as number) > n, `${show(actual)} > ${n}`),
    toBeGreaterThanOrEqual: (n: number) => check((actual as number) >= n, `${show(actual)} >= ${n}`),
    toBeInstanceOf: (cls: abstract new (...args: never[]) => unknown) => check(actual instanceof cls, `${show(actual)} to be an instance of ${cls.name}`),
    toBeLessThan: (n: number) => check((actual as number) < n, `${show(actual)} < ${n}`),
    toBeLessThanOrEqual: (n: number) => check((actual as number) <= n, `${show(actual)} <= ${n}`),
    toThrow: (_message?: string | RegExp) => check(throws(actual).threw, "function to throw"),
    toMatchObject: (expected: Record<string, unknown>) =>
      check(
        typeof actual === "object" &&
          actual !== null &&
          Object.entries(expected).every(([k, v]) => {
            try {
              deepStrictEqual((actual as Record<string, unknown>)[k], v);
              return true;
            } catch {
              return false;
            }
          }),
        `${show(actual)} to match ${show(expected)}`,
      ),
  };
};

type Matchers = ReturnType<typeof matchers>;
type Settled = { readonly [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void> };

/** `expect(promise).rejects` / `.resolves`: the matchers applied to the reason or the value, once settled; `toThrow(text)` checks the reason's message. */
const settledMatchers = (actual: unknown, rejects: boolean): Settled =>
  Object.fromEntries(
    Object.keys(matchers(undefined, false)).map((name) => [
      name,
      async (...args: unknown[]) => {
        let value: unknown;
        let rejected = false;
        try {
          value = await actual;
        } catch (e) {
          value = e;
          rejected = true;
        }
        if (rejected !== rejects) fail(rejects ? `expected a rejection, got ${show(value)}` : `expected a value, got the rejection ${show(value)}`);
        if (name === "toThrow") {
          const wanted = args[0];
          const message = value instanceof Error ? value.message : String(value);
          if (typeof wanted === "string" && !message.includes(wanted)) fail(`"${message}" to include "${wanted}"`);
          if (wanted instanceof RegExp && !wanted.test(message)) fail(`"${message}" to match ${String(wanted)}`);
          return;
        }
        (matchers(value, false) as Record<string, (...a: unknown[]) => void>)[name]?.(...args);
      },
    ]),
  ) as Settled;

export const expect = (actual: unknown): Matchers & { not: Matchers; rejects: Settled; resolves: Settled } =>
  Object.assign(matchers(actual, false), { not: matchers(actual, true), rejects: settledMatchers(actual, true), resolves: settledMatchers(actual, false) });
