import { appConfig } from './configuration';

describe('appConfig links', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  function load(env: Record<string, string>) {
    process.env = { NODE_ENV: 'test', ...env };
    return appConfig();
  }

  it('defaults APP_PUBLIC_URL to localhost on the configured PORT', () => {
    expect(load({ PORT: '8123' }).publicUrl).toBe('http://localhost:8123');
  });

  it('defaults APP_WEB_URL (links for people) to APP_PUBLIC_URL', () => {
    const cfg = load({ APP_PUBLIC_URL: 'https://api.example.com/' });
    expect(cfg.publicUrl).toBe('https://api.example.com');
    expect(cfg.webUrl).toBe('https://api.example.com');
  });

  it('uses APP_WEB_URL for the web app when set', () => {
    const cfg = load({
      APP_PUBLIC_URL: 'https://api.example.com',
      APP_WEB_URL: 'https://lms.example.com/',
    });
    expect(cfg.webUrl).toBe('https://lms.example.com');
  });
});
