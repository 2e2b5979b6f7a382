import { describe, expect, it } from 'vitest';
import { COLOURS, ROUTER_KINDS, TARGET_KINDS } from '../../src/deploy/kinds.ts';
import {
  advance,
  ending,
  type FlowState,
  firstPhase,
  nextPhase,
  type Phase,
  type PhaseResult,
  planRecovery,
  type RecoveryInput,
} from '../../src/deploy/machine.ts';
import { ROUTERS } from '../../src/deploy/routers/index.ts';
import { TARGETS } from '../../src/deploy/targets/index.ts';

/** Drives the machine with a script of results, the way the runner does. */
function drive(
  results: Partial<Record<Phase, PhaseResult>>,
  warm = false,
): { path: string[]; state: FlowState } {
  let state: FlowState = { done: [] };
  let phase: Phase | 'end' = firstPhase(warm);
  const path: string[] = [];
  while (phase !== 'end') {
    const result = results[phase] ?? 'ok';
    path.push(`${phase}:${result}`);
    state = advance(state, phase, result);
    phase = nextPhase(phase, result);
  }
  return { path, state };
}

describe('the blue-green state machine', () => {
  it('runs every phase in order when all pass, and ends succeeded', () => {
    const { path, state } = drive({});
    expect(path).toEqual([
      'start:ok',
      'health:ok',
      'smoke:ok',
      'switch:ok',
      'verify:ok',
      'watch:ok',
      'retire:ok',
    ]);
    expect(ending(state)).toBe('succeeded');
  });

  it('never switches when the health gate fails: the new colour is stopped and the deploy refused', () => {
    const { path, state } = drive({ health: 'fail' });
    expect(path).toEqual(['start:ok', 'health:fail', 'stop-new:ok']);
    expect(path.some((p) => p.startsWith('switch'))).toBe(false);
    expect(ending(state)).toBe('refused');
  });

  it('refuses on a failed smoke request or a start that did not work', () => {
    expect(ending(drive({ smoke: 'fail' }).state)).toBe('refused');
    expect(drive({ start: 'fail' }).path).toEqual(['start:fail', 'stop-new:ok']);
  });

  it('switches back when the watch period fails, then stops the new colour', () => {
    const { path, state } = drive({ watch: 'fail' });
    expect(path.slice(-3)).toEqual(['watch:fail', 'switch-back:ok', 'stop-new:ok']);
    expect(ending(state)).toBe('rolled-back');
  });

  it('switches back when verification through the router fails, or the switch itself failed halfway', () => {
    expect(drive({ verify: 'fail' }).path.slice(-2)).toEqual(['switch-back:ok', 'stop-new:ok']);
    expect(drive({ switch: 'fail' }).path).toContain('switch-back:ok');
  });

  it('ends failed, keeping the new colour, when there is nothing healthy to switch back to', () => {
    const { path, state } = drive({ watch: 'fail', 'switch-back': 'fail' });
    expect(path.at(-1)).toBe('switch-back:fail');
    expect(ending(state)).toBe('failed');
  });

  it('re-verifies a warm colour on rollback: it starts at the health gate, not at start', () => {
    expect(drive({}, true).path[0]).toBe('health:ok');
  });
});

describe('recovery of a deploy that died', () => {
  const base: RecoveryInput = {
    lastPhase: 'switch',
    lastOutcome: 'begin',
    newColour: 'green',
    oldColour: 'blue',
    routerActive: 'green',
    newHealthy: true,
    oldHealthy: true,
  };

  it('sends traffic back to the healthy old colour when the deploy died during the switch', () => {
    const plan = planRecovery(base);
    expect(plan).toMatchObject({
      serve: 'blue',
      stop: ['green'],
      switchRouter: true,
      outcome: 'rolled-back',
    });
  });

  it('does not touch the router when the deploy died before the switch', () => {
    const plan = planRecovery({ ...base, lastPhase: 'health', routerActive: 'blue' });
    expect(plan).toMatchObject({ serve: 'blue', stop: ['green'], switchRouter: false, outcome: 'refused' });
  });

  it('keeps the new colour when the deploy had passed its watch', () => {
    expect(planRecovery({ ...base, lastPhase: 'retire', lastOutcome: 'begin' })).toMatchObject({
      serve: 'green',
      stop: [],
      outcome: 'succeeded',
    });
  });

  it('never falls back to an unhealthy old colour', () => {
    const plan = planRecovery({ ...base, oldHealthy: false });
    expect(plan.serve).toBe('green');
    expect(plan.stop).toEqual(['blue']);
  });

  it('changes nothing when no colour is healthy', () => {
    const plan = planRecovery({ ...base, oldHealthy: false, newHealthy: false });
    expect(plan).toMatchObject({ serve: undefined, stop: [], switchRouter: false, outcome: 'failed' });
  });
});

describe('adapter tables', () => {
  it('hold exactly the kinds the config accepts', () => {
    expect(Object.keys(ROUTERS).sort()).toEqual([...ROUTER_KINDS].sort());
    expect(Object.keys(TARGETS).sort()).toEqual([...TARGET_KINDS].sort());
    for (const [kind, router] of Object.entries(ROUTERS)) expect(router.kind).toBe(kind);
    expect(COLOURS).toEqual(['blue', 'green']);
  });

  it('each router declares its capabilities', () => {
    expect(ROUTERS.builtin.capabilities).toMatchObject({
      drainObserved: true,
      noReload: true,
      websockets: true,
    });
    expect(ROUTERS.nginx.capabilities.noReload).toBe(false);
    expect(ROUTERS.haproxy.capabilities).toMatchObject({ drainObserved: true, noReload: true });
    expect(ROUTERS.traefik.capabilities.managed).toBe(false);
  });
});
