/**
 * Business outcomes a client is expected to handle: returned in a mutation's
 * payload as `userErrors { code field message }`, never thrown. Each domain
 * has its own code enum in its schema; `field` is the input path, such as
 * `input.skus[0].price.amount`.
 */
export type UserError<Code extends string = string> = { code: Code; field: string | null; message: string };

/** Collects every problem of an input before anything is written. */
export class UserErrors<Code extends string = string> {
  readonly list: UserError<Code>[] = [];

  add(code: Code, field: string | null, message: string): this {
    this.list.push({ code, field, message });
    return this;
  }

  get any(): boolean {
    return this.list.length > 0;
  }
}

/** The shape every mutation payload shares: the changed object, or user errors. */
export type Payload<Key extends string, T, Code extends string = string> = { [K in Key]: T | null } & {
  userErrors: UserError<Code>[];
};

export function failed<Key extends string, Code extends string>(key: Key, errors: UserErrors<Code> | UserError<Code>[]) {
  const userErrors = Array.isArray(errors) ? errors : errors.list;
  return { [key]: null, userErrors } as Payload<Key, never, Code>;
}

export function succeeded<Key extends string, T>(key: Key, value: T) {
  return { [key]: value, userErrors: [] } as Payload<Key, T, never>;
}
