import { isAbsolute, resolve } from 'node:path';

/**
 * Typed environment settings (docs/architecture.md §8). A setting is declared
 * once, with its variable name, the values it accepts, its default and what it
 * means; the same declaration validates the environment, gives the default,
 * and writes the README's table of variables (scripts/env-table.ts). Problems
 * are collected, never thrown one by one, so an operator fixes the whole
 * environment in one pass instead of one restart per mistake.
 */

export type Mode = 'development' | 'test' | 'production';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A default may depend on the mode: production turns development conveniences off. */
export type Default<T> = T | ((mode: Mode) => T);

export type Setting<T> = {
  /** The environment variable. */
  readonly name: string;
  /** What values it accepts, in words (the README's "accepts" column). */
  readonly accepts: string;
  /** The default in words (the README's "default" column). */
  readonly defaultText: string;
  readonly description: string;
  /** Holds a key or password: deployments take it from a secret store, never from plain configuration. */
  readonly secret: boolean;
  /** Documented in the row of that variable instead of a row of its own (a family such as the subgraph ports). */
  readonly documentedWith: string | undefined;
  readonly defaultValue: Default<T>;
  /** Parses a non-empty value; reports what is wrong through `problem` and returns undefined to fall back to the default. */
  parse(value: string, problem: (message: string) => void): T | undefined;
};

export type Documentation = {
  description: string;
  /** The default in words, when the value itself does not say it (a mode-dependent or derived default). */
  defaultText?: string;
  documentedWith?: string;
};

/** A setting with a parser of its own (a list of pairs, say); the typed builders below cover the usual kinds. */
export function setting<T>(
  name: string,
  accepts: string,
  defaultValue: Default<T>,
  docs: Documentation & { secret?: boolean },
  parse: Setting<T>['parse'],
): Setting<T> {
  const shown = typeof defaultValue === 'function' ? undefined : defaultValue;
  return {
    name,
    accepts,
    defaultText: docs.defaultText ?? (shown === undefined ? 'unset' : `\`${String(shown)}\``),
    description: docs.description,
    secret: docs.secret ?? false,
    documentedWith: docs.documentedWith,
    defaultValue,
    parse,
  };
}

type TextOptions = Documentation & { pattern?: RegExp; rule?: string; accepts?: string };

/** Free text; `pattern` with its `rule` refuses what does not match. */
export function text(name: string, docs: TextOptions & { default: Default<string> }): Setting<string>;
export function text(name: string, docs: TextOptions & { default?: Default<string | undefined> }): Setting<string | undefined>;
export function text(name: string, docs: TextOptions & { default?: Default<string | undefined> }): Setting<string | undefined> {
  return setting(name, docs.accepts ?? 'text', docs.default, docs, (value, problem) => {
    if (docs.pattern && !docs.pattern.test(value)) {
      problem(`${name} ${docs.rule}; received "${value}"`);
      return undefined;
    }
    return value;
  });
}

const absolute = (value: string) => (isAbsolute(value) ? value : resolve(process.cwd(), value));

/** A file or directory; a relative path is taken from the working directory (when the process reads it). */
export function path(name: string, docs: Documentation & { default: string }): Setting<string>;
export function path(name: string, docs: Documentation): Setting<string | undefined>;
export function path(name: string, docs: Documentation & { default?: string }): Setting<string | undefined> {
  const fallback = docs.default;
  return setting(
    name,
    'path (relative: from the working directory)',
    () => (fallback === undefined ? undefined : absolute(fallback)),
    { ...docs, defaultText: docs.defaultText ?? (fallback === undefined ? 'unset' : `\`${fallback}\``) },
    absolute,
  );
}

type SecretOptions = Documentation & { minLength?: number };

/** A secret such as an HMAC key or a password, optionally with a least length. */
export function secret(name: string, docs: SecretOptions & { default: Default<string> }): Setting<string>;
export function secret(name: string, docs: SecretOptions & { default?: Default<string | undefined> }): Setting<string | undefined>;
export function secret(name: string, docs: SecretOptions & { default?: Default<string | undefined> }): Setting<string | undefined> {
  const accepts = docs.minLength ? `secret, at least ${docs.minLength} characters` : 'secret';
  return setting(name, accepts, docs.default, { ...docs, secret: true }, (value, problem) => {
    if (docs.minLength !== undefined && value.length < docs.minLength) {
      problem(`${name} must be at least ${docs.minLength} characters; received ${value.length}`);
      return undefined;
    }
    return value;
  });
}

/** A whole number in a range; `unit` ("milliseconds") is named in the message when the value is wrong. */
export function wholeNumber(
  name: string,
  docs: Documentation & { default: Default<number>; min: number; max: number; unit?: string },
): Setting<number> {
  const what = docs.unit ? `a whole number of ${docs.unit}` : 'a whole number';
  return setting(name, `whole number, ${docs.min} to ${docs.max}`, docs.default, docs, (value, problem) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < docs.min || parsed > docs.max) {
      problem(`${name} must be ${what} from ${docs.min} to ${docs.max}; received "${value}"`);
      return undefined;
    }
    return parsed;
  });
}

/** A TCP port to listen on; 0 picks a free one. */
export function port(name: string, docs: Documentation & { default: number }): Setting<number> {
  return setting(name, 'port, 0 to 65535', docs.default, docs, (value, problem) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      problem(`${name} must be a port number from 0 to 65535; received "${value}"`);
      return undefined;
    }
    return parsed;
  });
}

type UrlOptions = Documentation & { protocols: readonly string[] };

/** A URL of one of the given protocols (with their colon: `https:`). */
export function url(name: string, docs: UrlOptions & { default: string }): Setting<string>;
export function url(name: string, docs: UrlOptions): Setting<string | undefined>;
export function url(name: string, docs: UrlOptions & { default?: string }): Setting<string | undefined> {
  const accepts = `${docs.protocols.map((protocol) => protocol.replace(/:$/, '')).join(' or ')} URL`;
  return setting(name, accepts, docs.default, docs, (value, problem) => {
    let protocol: string;
    try {
      protocol = new URL(value).protocol;
    } catch {
      problem(`${name} must be a URL; received "${value}"`);
      return undefined;
    }
    if (!docs.protocols.includes(protocol)) {
      problem(`${name} must be a ${docs.protocols.join(' or ')} URL; received "${value}"`);
      return undefined;
    }
    return value;
  });
}

/** true/false (or 1/0). */
export function flag(name: string, docs: Documentation & { default: Default<boolean> }): Setting<boolean> {
  return setting(name, '`true` or `false` (`1`, `0`)', docs.default, docs, (value, problem) => {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    problem(`${name} must be true or false; received "${value}"`);
    return undefined;
  });
}

/** One of a fixed set of words. */
export function oneOf<const V extends string>(
  name: string,
  values: readonly V[],
  docs: Documentation & { default: Default<V> },
): Setting<V> {
  const listed = `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  return setting(name, values.map((value) => `\`${value}\``).join(', '), docs.default, docs, (value, problem) => {
    if ((values as readonly string[]).includes(value)) return value as V;
    problem(`${name} must be ${listed}; received "${value}"`);
    return undefined;
  });
}

/**
 * A PEM block of one of the given kinds (`PUBLIC KEY`, `PRIVATE KEY`,
 * `CERTIFICATE`). Keys often arrive through env files with literal "\n"; both
 * forms are accepted and the value comes back with real line breaks.
 */
export function pem(name: string, kinds: readonly string[], docs: Documentation): Setting<string | undefined> {
  const headers = kinds.map((kind) => `"-----BEGIN ${kind}-----"`).join(' or ');
  const accepts = `PEM (${kinds.map((kind) => kind.toLowerCase()).join(' or ')}; literal \`\\n\` allowed)`;
  return setting(name, accepts, undefined, { ...docs, secret: kinds.includes('PRIVATE KEY') }, (value, problem) => {
    const text = value.includes('\\n') ? value.replaceAll('\\n', '\n') : value;
    if (!kinds.some((kind) => text.includes(`-----BEGIN ${kind}-----`))) {
      problem(`${name} must be a PEM block starting with ${headers}`);
      return undefined;
    }
    return text;
  });
}

/** The default of what production turns off: demo data, introspection, applying migrations at start. */
export const outsideProduction = (mode: Mode): boolean => mode !== 'production';

/** A setting of any type, as lists of declarations hold them. */
// biome-ignore lint/suspicious/noExplicitAny: a list mixes settings of every value type.
export type AnySetting = Setting<any>;

export type Reader = <T>(setting: Setting<T>) => T;

export type BuildContext<Base> = {
  mode: Mode;
  /** The settings loaded before this declaration (the ones every process has). */
  base: Base;
  problem(message: string): void;
};

/**
 * The settings one part of the system reads (every process, the router, one
 * subgraph), and how they become its typed configuration. `build` reads each
 * setting through `read` and checks what concerns several at once (a
 * provider's variables come all or none).
 */
export type SettingsDeclaration<Base, Result> = {
  /** Who reads these variables, as the README names them. */
  readonly readBy: string;
  readonly settings: readonly AnySetting[];
  build(read: Reader, context: BuildContext<Base>): Result;
};

export function declareSettings<Base, Result>(declaration: SettingsDeclaration<Base, Result>): SettingsDeclaration<Base, Result> {
  return declaration;
}

/** A variable's value, with surrounding blanks removed; empty counts as unset. */
function variable(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

/** One setting's value: the parsed variable, or the default when unset or (with a problem reported) wrong. */
export function readSetting<T>(setting: Setting<T>, env: Env, mode: Mode, problems: string[]): T {
  const fallback = () =>
    typeof setting.defaultValue === 'function' ? (setting.defaultValue as (mode: Mode) => T)(mode) : setting.defaultValue;
  const value = variable(env, setting.name);
  if (value === undefined) return fallback();
  return setting.parse(value, (message) => problems.push(message)) ?? fallback();
}

/**
 * Builds one declaration's configuration from `env`. Reading a setting the
 * declaration does not list is a programming error: the list is what the
 * README and the deployment checks know about.
 */
export function loadDeclaration<Base, Result>(
  declaration: SettingsDeclaration<Base, Result>,
  env: Env,
  context: { mode: Mode; base: Base; problems: string[] },
): Result {
  const read: Reader = (setting) => {
    if (!declaration.settings.includes(setting)) {
      throw new Error(`${setting.name} is read by the settings of ${declaration.readBy} without being declared there`);
    }
    return readSetting(setting, env, context.mode, context.problems);
  };
  return declaration.build(read, { mode: context.mode, base: context.base, problem: (message) => context.problems.push(message) });
}

/**
 * A provider's variables come as a set: all of them (the real provider), or
 * none (a simulator outside production). Names every one that is missing.
 */
export function allOrNone<K extends string>(
  group: string,
  values: Record<K, [setting: AnySetting, value: string | undefined]>,
  problem: (message: string) => void,
): Record<K, string> | undefined {
  const entries = Object.entries(values) as [K, [AnySetting, string | undefined]][];
  if (entries.every(([, [, value]]) => value === undefined)) return undefined;
  const missing = entries.filter(([, [, value]]) => value === undefined).map(([, [setting]]) => setting.name);
  if (missing.length > 0) {
    problem(`${group}: set all of these variables or none; missing or invalid: ${missing.join(', ')}`);
    return undefined;
  }
  return Object.fromEntries(entries.map(([key, [, value]]) => [key, value])) as Record<K, string>;
}
