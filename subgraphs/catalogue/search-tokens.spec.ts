import { buildPlan } from './search-plan.ts';
import { cjkBigrams, compactPartNumber, documentTokens, partToken, textTokens, withinOneEdit } from './search-tokens.ts';

describe('search tokens', () => {
  it('splits latin words and CJK runs into bigrams, lower-cased', () => {
    expect(textTokens('Front Brake-Pad set 前轮刹车片')).toEqual(['front', 'brake', 'pad', 'set', '前轮', '轮刹', '刹车', '车片']);
    expect(cjkBigrams('片')).toEqual(['片']);
  });

  it('compacts part numbers whatever their spaces, dashes, dots and case', () => {
    for (const typed of ['04465-02220', '04465 02220', '0446502220', ' 0 4 4 6 5 . 0 2 2 2 0 '])
      expect(compactPartNumber(typed)).toBe('0446502220');
    expect(partToken('5Q0-698-151-X')).toBe(partToken('5q0698151x'));
  });

  it('tells one edit (insert, delete, substitute, swap) from two', () => {
    expect(['brake', 'brakes', 'brke', 'brace', 'rbake'].every((word) => withinOneEdit('brake', word))).toBe(true);
    expect(['brakess', 'bruce', 'rbkae', 'pad'].some((word) => withinOneEdit('brake', word))).toBe(false);
  });

  it('weights a word by the most important field it appears in', () => {
    const tokens = documentTokens({
      name: 'Brake pad set',
      description: 'Pads for quiet stops',
      brandName: 'Bosch',
      categoryPath: 'Brakes / Brake pads',
      skus: [{ code: 'BP-1', name: 'Front', attributes: [{ value: 'Ceramic' }], partNumbers: ['04465-02220'] }],
      fitments: [{ make: 'Toyota', model: 'Corolla' }],
    });
    expect(tokens.get('brake')).toBe(10);
    expect(tokens.get('bosch')).toBe(8);
    expect(tokens.get('ceramic')).toBe(4);
    expect(tokens.get('quiet')).toBe(1);
    expect(tokens.get(partToken('0446502220'))).toBe(100);
  });

  it('plans a synonym phrase as one clause with every phrase of its group as alternatives', () => {
    const plan = buildPlan('刹车片 toyota', [['brake pads', '刹车片']], new Map());
    expect(plan.clauses).toHaveLength(2);
    expect(plan.clauses[0]!.map((alternative) => alternative.map((c) => c.exact[0]))).toEqual([
      ['brake', 'pads'],
      ['刹车', '车片'],
    ]);
  });
});
