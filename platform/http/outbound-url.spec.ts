import { ConfigError, loadConfig } from '../config/config.ts';
import { isPrivateAddress, resolveTarget } from './outbound-url.ts';

/** The SSRF checks of webhook URLs: every form of an inside address is refused, a name is judged by every address it resolves to. */
describe('outbound URL checks', () => {
  const production = { allowPrivate: false };

  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    '::127.0.0.1',
  ])('%s is inside', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses http, credentials and private literals, and names each with its own code', async () => {
    const codeOf = async (url: string) => {
      const target = await resolveTarget(url, production, async () => [{ address: '93.184.215.14', family: 4 }]);
      return 'code' in target ? target.code : 'OK';
    };
    expect(await codeOf('http://example.com/hook')).toBe('URL_NOT_HTTPS');
    expect(await codeOf('ftp://example.com/hook')).toBe('URL_NOT_HTTPS');
    expect(await codeOf('not a url')).toBe('URL_INVALID');
    expect(await codeOf('https://user:secret@example.com/hook')).toBe('URL_INVALID');
    expect(await codeOf('https://127.0.0.1/hook')).toBe('URL_PRIVATE_ADDRESS');
    expect(await codeOf('https://[::1]/hook')).toBe('URL_PRIVATE_ADDRESS');
    expect(await codeOf('https://[::ffff:127.0.0.1]/hook')).toBe('URL_PRIVATE_ADDRESS');
    expect(await codeOf('https://localhost/hook')).toBe('URL_PRIVATE_ADDRESS');
    expect(await codeOf('https://example.com/hook')).toBe('OK');
  });

  it('refuses a name with any inside address, and connects to the address it checked', async () => {
    const mixed = await resolveTarget('https://rebind.example/hook', production, async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '::ffff:10.0.0.7', family: 6 },
    ]);
    expect(mixed).toEqual(expect.objectContaining({ code: 'URL_PRIVATE_ADDRESS' }));
    const unresolvable = await resolveTarget('https://nowhere.example/hook', production, async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    });
    expect(unresolvable).toEqual(expect.objectContaining({ code: 'URL_UNRESOLVABLE' }));
    const good = await resolveTarget('https://hooks.example/hook', production, async () => [
      { address: '2606:4700::6810:84e5', family: 6 },
    ]);
    expect(good).toEqual(expect.objectContaining({ address: '2606:4700::6810:84e5', family: 6 }));
  });

  it('allows http and loopback only when told, and production refuses to be told', async () => {
    const local = await resolveTarget('http://127.0.0.1:9/hook', { allowPrivate: true });
    expect(local).toEqual(expect.objectContaining({ address: '127.0.0.1' }));
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }).webhookAllowPrivateUrls).toBe(true);
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toContain('WEBHOOK_ALLOW_PRIVATE_URLS cannot be true in production');
  });
});
