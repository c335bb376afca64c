import { isUnsafePath } from './path-safety.ts';

describe('request paths', () => {
  it.each([
    '/callbacks/../metrics',
    '/invoices/../graphql',
    '/invoices/./pdf',
    '/callbacks/%2e%2e/metrics',
    '/callbacks/%2E%2E%2Fmetrics',
    '/callbacks/..%2fmetrics',
    '/callbacks/%252e%252e/metrics',
    '/callbacks/..\\metrics',
    '/callbacks/%5c..%5cmetrics',
    '/invoices/pdf%00',
    '/invoices/%E0%A4%A',
  ])('refuses %s', (path) => {
    expect(isUnsafePath(path)).toBe(true);
  });

  it.each(['/', '/graphql', '/callbacks/wechatpay', '/invoices/pdf?id=1&sig=a..b', '/web/app.js', '/graphiql/index.html'])(
    'accepts %s',
    (path) => {
      expect(isUnsafePath(path)).toBe(false);
    },
  );
});
