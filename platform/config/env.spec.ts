import { ConfigError, declareSettings, loadDeclaration, oneOf, pem, readSetting, wholeNumber } from './env.ts';

const limit = wholeNumber('LIMIT', { default: (mode) => (mode === 'production' ? 10 : 100), min: 1, max: 1000, description: 'A limit.' });
const colour = oneOf('COLOUR', ['red', 'green', 'blue'], { default: 'red', description: 'A colour.' });
const key = pem('KEY', ['PUBLIC KEY'], { description: 'A key.' });

describe('reading one setting', () => {
  it('takes the default, for the mode, when the variable is unset, empty or blank', () => {
    for (const env of [{}, { LIMIT: '' }, { LIMIT: '   ' }]) {
      const problems: string[] = [];
      expect(readSetting(limit, env, 'development', problems)).toBe(100);
      expect(readSetting(limit, env, 'production', problems)).toBe(10);
      expect(problems).toEqual([]);
    }
  });

  it('parses a trimmed value, and reports a wrong one while falling back to the default', () => {
    const problems: string[] = [];
    expect(readSetting(limit, { LIMIT: ' 7 ' }, 'development', problems)).toBe(7);
    expect(readSetting(limit, { LIMIT: '1001' }, 'development', problems)).toBe(100);
    expect(readSetting(colour, { COLOUR: 'mauve' }, 'development', problems)).toBe('red');
    expect(problems).toEqual([
      'LIMIT must be a whole number from 1 to 1000; received "1001"',
      'COLOUR must be red, green or blue; received "mauve"',
    ]);
  });

  it('gives PEM values from env files real line breaks', () => {
    expect(readSetting(key, { KEY: '-----BEGIN PUBLIC KEY-----\\nabc' }, 'development', [])).toBe('-----BEGIN PUBLIC KEY-----\nabc');
  });
});

describe('loading a declaration', () => {
  const declaration = declareSettings<{ base: number }, { limit: number; colour: string; sum: number }>({
    readBy: 'a test',
    settings: [limit, colour],
    build: (read, { base, problem }) => {
      const value = read(limit);
      if (value === 13) problem('LIMIT must not be 13');
      return { limit: value, colour: read(colour), sum: base.base + value };
    },
  });

  it('collects every problem instead of stopping at the first', () => {
    const problems: string[] = [];
    loadDeclaration(declaration, { LIMIT: '13', COLOUR: 'mauve' }, { mode: 'development', base: { base: 1 }, problems });
    expect(problems).toEqual(['LIMIT must not be 13', 'COLOUR must be red, green or blue; received "mauve"']);
    expect(new ConfigError(problems).message).toBe(
      'invalid configuration:\n  - LIMIT must not be 13\n  - COLOUR must be red, green or blue; received "mauve"',
    );
  });

  it('builds from the settings loaded before it', () => {
    expect(loadDeclaration(declaration, { LIMIT: '5' }, { mode: 'development', base: { base: 1 }, problems: [] })).toEqual({
      limit: 5,
      colour: 'red',
      sum: 6,
    });
  });

  it('refuses to read a setting the declaration does not list, since the README and the deployment checks would not know it', () => {
    const undeclared = declareSettings<unknown, string | undefined>({ readBy: 'a test', settings: [], build: (read) => read(key) });
    expect(() => loadDeclaration(undeclared, {}, { mode: 'development', base: undefined, problems: [] })).toThrow(
      'KEY is read by the settings of a test without being declared there',
    );
  });
});
