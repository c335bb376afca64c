import { errorHandling, forbidden } from './errors.ts';

describe('errorHandling', () => {
  const internal = {
    message: 'ER_NO_SUCH_TABLE: select * from secret_table',
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at db'] },
  };

  it('passes our coded errors through without a stack trace, in every mode', () => {
    const logged: unknown[] = [];
    const { formatError } = errorHandling('development', (error) => logged.push(error));
    const error = forbidden('Mutation.x requires the scope catalogue:write');
    expect(formatError({ message: error.message, extensions: { code: 'FORBIDDEN', stacktrace: ['at x'] } }, error)).toEqual({
      message: 'Mutation.x requires the scope catalogue:write',
      extensions: { code: 'FORBIDDEN' },
    });
    expect(logged).toEqual([]);
  });

  it('hides and logs an unexpected error in production', () => {
    const logged: unknown[] = [];
    const { formatError, includeStacktraceInErrorResponses } = errorHandling('production', (error) => logged.push(error));
    const cause = new Error('boom');
    expect(formatError(internal, cause)).toEqual({ message: 'Internal error; it has been logged.', extensions: { code: 'INTERNAL' } });
    expect(includeStacktraceInErrorResponses).toBe(false);
    expect(logged).toEqual([cause]);
  });

  it('shows an unexpected error to the developer outside production, coded INTERNAL', () => {
    const { formatError } = errorHandling('development', () => undefined);
    expect(formatError(internal, new Error('boom'))).toMatchObject({ message: internal.message, extensions: { code: 'INTERNAL' } });
  });
});
