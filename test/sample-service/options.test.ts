import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAMPLE_OPTIONS,
  parseSampleServiceArgs,
  resolveSampleOptions,
  SAMPLE_SERVICE_KNOBS,
  sampleOptionsFromEnv,
  sampleServiceUsage,
} from '../../examples/sample-service/options.ts';
import { UserError } from '../../src/core/errors.ts';

describe('sample service options', () => {
  it('defaults to a PiWardrive-like service on loopback with auth on', () => {
    expect(parseSampleServiceArgs([], {})).toEqual(DEFAULT_SAMPLE_OPTIONS);
    expect(DEFAULT_SAMPLE_OPTIONS).toMatchObject({
      host: '127.0.0.1',
      auth: true,
      apiVersion: 1,
      db: ':memory:',
    });
  });

  it('reads every knob from flags', () => {
    const o = parseSampleServiceArgs(
      [
        '--port=0',
        '--host',
        '0.0.0.0',
        '--version',
        '2.0.0',
        '--no-auth',
        '--latency-ms',
        '20-80',
        '--error-rate',
        '5%',
        '--seed',
        '42',
        '--fail-health',
        '--leak-kb',
        '64',
        '--api-version',
        '2',
        '--db',
        'data.db',
        '--token',
        'tok',
      ],
      {},
    );
    expect(o).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      version: '2.0.0',
      auth: false,
      latency: { minMs: 20, maxMs: 80 },
      errorRate: 0.05,
      seed: 42,
      failHealth: true,
      leakKb: 64,
      apiVersion: 2,
      db: 'data.db',
      staticToken: 'tok',
    });
  });

  it('reads the same knobs from SAMPLE_* variables, and flags win', () => {
    const env = {
      SAMPLE_LATENCY_MS: '50',
      SAMPLE_ERROR_RATE: '0.1',
      SAMPLE_SEED: '3',
      SAMPLE_FAIL_HEALTH: '1',
      SAMPLE_LEAK_KB: '8',
      SAMPLE_API_VERSION: '2',
      SAMPLE_AUTH: '0',
      SAMPLE_PASSWORD: 'pw',
      SAMPLE_VERSION: '',
    };
    expect(sampleOptionsFromEnv(env)).toEqual({
      latency: { minMs: 50, maxMs: 50 },
      errorRate: 0.1,
      seed: 3,
      failHealth: true,
      leakKb: 8,
      apiVersion: 2,
      auth: false,
      password: 'pw',
    });
    const o = parseSampleServiceArgs(['--auth', '--latency-ms', '5', '--no-fail-health'], env);
    expect(o.auth).toBe(true);
    expect(o.latency).toEqual({ minMs: 5, maxMs: 5 });
    expect(o.failHealth).toBe(false);
    expect(o.errorRate).toBe(0.1);
  });

  it.each([
    [['--port', '70000'], /--port: expected an integer 0\.\.65535, got "70000"/],
    [['--port', 'abc'], /--port/],
    [['--latency-ms', '80-20'], /--latency-ms: expected milliseconds/],
    [['--error-rate', '1.5'], /--error-rate/],
    [['--api-version', '3'], /--api-version: expected 1 or 2/],
    [['--leak-kb', '-1'], /--leak-kb/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /--port/],
    [['extra'], /positional/i],
  ])('rejects %j with a UserError', (argv, message) => {
    expect(() => parseSampleServiceArgs(argv, {})).toThrow(UserError);
    expect(() => parseSampleServiceArgs(argv, {})).toThrow(message);
  });

  it('names the environment variable at fault', () => {
    expect(() => sampleOptionsFromEnv({ SAMPLE_FAIL_HEALTH: 'maybe' })).toThrow(
      /^SAMPLE_FAIL_HEALTH: expected 1\/0/,
    );
  });

  it('checks values given by library callers', () => {
    expect(() => resolveSampleOptions({ errorRate: -0.1 })).toThrow(UserError);
    expect(() => resolveSampleOptions({ latency: { minMs: 10, maxMs: 5 } })).toThrow(UserError);
    expect(resolveSampleOptions({ port: undefined }).port).toBe(DEFAULT_SAMPLE_OPTIONS.port);
  });

  it('documents every flag and variable in --help', () => {
    const usage = sampleServiceUsage();
    for (const knob of SAMPLE_SERVICE_KNOBS) {
      expect(usage).toContain(`--${knob.flag}`);
      if (knob.env) expect(usage).toContain(knob.env);
    }
  });

  it('documents every flag and variable in the README', () => {
    const readme = readFileSync(new URL('../../examples/sample-service/README.md', import.meta.url), 'utf8');
    for (const knob of SAMPLE_SERVICE_KNOBS) {
      expect(readme).toContain(
        knob.type === 'boolean' && knob.key === 'auth' ? '--no-auth' : `--${knob.flag}`,
      );
      if (knob.env) expect(readme).toContain(knob.env);
    }
  });
});
