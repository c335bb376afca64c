import { buildSchema, execute, type GraphQLResolveInfo, parse } from 'graphql';
import { selectsField } from './selection.ts';

/** What `selectsField` answers for the field being resolved, for one document. */
async function answers(document: string): Promise<boolean[]> {
  const schema = buildSchema('type Query { page: Page } type Page { total: Int items: [Int] inner: Page }');
  const seen: boolean[] = [];
  const result = await execute({
    schema,
    document: parse(document),
    rootValue: {
      page: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        seen.push(selectsField(info, 'total'));
        return { total: 1, items: [], inner: null };
      },
    },
  });
  expect(result.errors).toBeUndefined();
  return seen;
}

describe('selectsField', () => {
  it('sees a field selected directly, through an inline fragment, or through a named fragment', async () => {
    expect(await answers('{ page { total } }')).toEqual([true]);
    expect(await answers('{ page { ... on Page { total } } }')).toEqual([true]);
    expect(await answers('{ page { ...counted } } fragment counted on Page { items ... on Page { total } }')).toEqual([true]);
  });

  it('answers no when the field is not selected at this level, even if selected deeper', async () => {
    expect(await answers('{ page { items } }')).toEqual([false]);
    expect(await answers('{ page { inner { total } } }')).toEqual([false]);
  });

  it('answers yes for a field under @skip, which costs work but never loses an answer', async () => {
    expect(await answers('{ page { items total @skip(if: true) } }')).toEqual([true]);
  });
});
