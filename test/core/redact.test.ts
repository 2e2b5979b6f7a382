import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, REDACTED, redact, redactDeep, registerSecret } from '../../src/core/redact.ts';

afterEach(() => clearSecrets());

describe('redact', () => {
  it('hides the password in URL credentials but keeps the user and host', () => {
    expect(redact('DATABASE_URL=postgresql://user:s3cr3t@localhost/piwardrive')).toBe(
      `DATABASE_URL=postgresql://user:${REDACTED}@localhost/piwardrive`,
    );
    expect(redact('redis://:hunter22@127.0.0.1:6379/0')).toBe(`redis://:${REDACTED}@127.0.0.1:6379/0`);
  });

  it('hides Slack and Discord webhook paths, bearer tokens and GitHub tokens', () => {
    const text =
      'posting to https://hooks.slack.com/services/T0001/B0002/abcdefXYZ with Authorization: Bearer eyJhbGciOi.J9.x ghp_abcdefghijklmnopqrstuvwxyz0123456789 https://discord.com/api/webhooks/123/abc';
    const out = redact(text);
    expect(out).not.toMatch(/T0001|abcdefXYZ|eyJhbGciOi|ghp_abc|webhooks\/123/);
    expect(out).toContain('hooks.slack.com/services/***');
    expect(out).toContain(`Bearer ${REDACTED}`);
  });

  it('hides secret-looking query parameters and JSON fields', () => {
    expect(redact('GET /x?api_key=abc123&page=2')).toBe(`GET /x?api_key=${REDACTED}&page=2`);
    expect(redact('{"password":"pa55word","user":"admin"}')).toBe(
      `{"password":"${REDACTED}","user":"admin"}`,
    );
  });

  it('hides registered values anywhere, even inside unrelated messages', () => {
    registerSecret('my-app-password');
    expect(redact('smtp login failed for my-app-password at smtp.example')).toBe(
      `smtp login failed for ${REDACTED} at smtp.example`,
    );
  });

  it('ignores very short registered values that would blank out ordinary words', () => {
    registerSecret('abc');
    expect(redact('abc def')).toBe('abc def');
  });

  it('leaves ordinary text alone', () => {
    const text = 'GET http://127.0.0.1:8080/api/status 200 in 12.5ms (token bucket refilled)';
    expect(redact(text)).toBe(text);
  });
});

describe('redactDeep', () => {
  it('blanks values under secret-named keys and redacts every string', () => {
    const input = {
      notify: {
        slack: { webhookUrl: 'https://example.test/hook' },
        email: { password: 'x1y2z3w4', username: 'ops' },
      },
      monitoring_api_key: 'k-123456',
      nested: [{ token: 'abcdefgh' }, 'postgres://a:b1b2b3@h/db'],
      empty: { password: '' },
      count: 3,
    };
    const out = redactDeep(input);
    expect(out.notify.slack.webhookUrl).toBe(REDACTED);
    expect(out.notify.email.password).toBe(REDACTED);
    expect(out.notify.email.username).toBe('ops');
    expect(out.monitoring_api_key).toBe(REDACTED);
    expect(out.nested[0]).toEqual({ token: REDACTED });
    expect(out.nested[1]).toBe(`postgres://a:${REDACTED}@h/db`);
    expect(out.empty.password).toBe('');
    expect(out.count).toBe(3);
    expect(input.notify.email.password).toBe('x1y2z3w4');
  });
});
