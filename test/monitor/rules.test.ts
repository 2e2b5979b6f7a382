import { describe, expect, it } from 'vitest';
import { type AlertState, initialState, step } from '../../src/monitor/rules.ts';
import { rule } from './helpers.ts';

function run(values: Array<number | undefined>, r = rule(), every = 1000) {
  let state: AlertState = initialState(r, { check: 'api' });
  const phases: string[] = [];
  const transitions: string[] = [];
  values.forEach((v, i) => {
    const out = step(r, state, v, i * every);
    state = out.state;
    phases.push(state.phase);
    if (out.transition) transitions.push(out.transition);
  });
  return { state, phases, transitions };
}

describe('alert state machine', () => {
  it('fires only after failureThreshold bad evaluations in a row', () => {
    const { phases } = run([3000, 3000, 3000]);
    expect(phases).toEqual(['pending', 'pending', 'firing']);
  });

  it('one good evaluation while pending resets it, as Prometheus does', () => {
    const { phases, transitions } = run([3000, 3000, 100, 3000, 3000]);
    expect(phases).toEqual(['pending', 'pending', 'inactive', 'pending', 'pending']);
    expect(transitions).not.toContain('firing');
  });

  it('waits for the for-duration even when the count is reached', () => {
    const r = rule({ failureThreshold: 1, forMs: 2500 });
    const { phases } = run([3000, 3000, 3000, 3000], r);
    expect(phases).toEqual(['pending', 'pending', 'pending', 'firing']);
  });

  it('resolves only below the recovery level (hysteresis) and after successThreshold good ones', () => {
    // 1800 is under the 2000 threshold but above the 1500 recovery level: still bad while firing
    const { phases } = run([3000, 3000, 3000, 1800, 1800, 1400, 1400]);
    expect(phases).toEqual(['pending', 'pending', 'firing', 'firing', 'firing', 'firing', 'resolved']);
  });

  it('keepFiringFor holds a firing alert after the condition clears', () => {
    const r = rule({ failureThreshold: 1, successThreshold: 1, keepFiringForMs: 2000 });
    const { phases } = run([3000, 100, 100, 100], r);
    expect(phases).toEqual(['firing', 'firing', 'resolved', 'resolved']);
  });

  it('below-rules compare the other way', () => {
    const r = rule({
      metric: 'check_up',
      above: undefined,
      below: 1,
      recover: undefined,
      failureThreshold: 1,
      successThreshold: 1,
    });
    expect(run([0, 1], r).phases).toEqual(['firing', 'resolved']);
  });

  it('no data: keep holds the state, ok clears, alerting counts as bad', () => {
    expect(run([3000, 3000, 3000, undefined, undefined]).phases.at(-1)).toBe('firing');
    const ok = rule({ noData: 'ok', successThreshold: 1 });
    expect(run([3000, 3000, 3000, undefined], ok).phases.at(-1)).toBe('resolved');
    const alerting = rule({ noData: 'alerting' });
    expect(run([undefined, undefined, undefined], alerting).phases).toEqual(['pending', 'pending', 'firing']);
  });

  it('counts episodes so each firing is a distinct notification', () => {
    const r = rule({ failureThreshold: 1, successThreshold: 1 });
    const { state } = run([3000, 100, 3000, 100, 3000], r);
    expect(state.episode).toBe(3);
  });
});
