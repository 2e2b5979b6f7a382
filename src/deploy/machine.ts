import type { Colour } from './kinds.ts';

/**
 * The blue-green flow as a pure state machine over plain data: which phase follows which, what a
 * deploy's ending is, and how a deploy killed halfway is resolved. No sockets, timers or files
 * here; the runner (run.ts) performs each phase through the adapters and journals it.
 *
 * start → health → smoke → switch → verify → watch → retire           (succeeded)
 *   any failure before the switch → stop-new                           (refused: the new colour never served)
 *   any failure from the switch on → switch-back → stop-new            (rolled back)
 */
export const PHASES = [
  'start',
  'health',
  'smoke',
  'switch',
  'verify',
  'watch',
  'switch-back',
  'stop-new',
  'retire',
] as const;
export type Phase = (typeof PHASES)[number];

export const ENDINGS = ['succeeded', 'refused', 'rolled-back', 'failed'] as const;
export type Ending = (typeof ENDINGS)[number];

export type PhaseResult = 'ok' | 'fail';

export interface FlowState {
  /** Phases done so far, in order, with their results. */
  done: Array<{ phase: Phase; result: PhaseResult }>;
}

/** Whether traffic was ever pointed at the new colour during this flow. */
export function switched(state: FlowState): boolean {
  return state.done.some((d) => d.phase === 'switch');
}

const NEXT: Record<Phase, Record<PhaseResult, Phase | 'end'>> = {
  start: { ok: 'health', fail: 'stop-new' },
  health: { ok: 'smoke', fail: 'stop-new' },
  smoke: { ok: 'switch', fail: 'stop-new' },
  // a failed switch may have half-applied (nginx reloaded, verify failed): always switch back
  switch: { ok: 'verify', fail: 'switch-back' },
  verify: { ok: 'watch', fail: 'switch-back' },
  watch: { ok: 'retire', fail: 'switch-back' },
  'switch-back': { ok: 'stop-new', fail: 'end' },
  'stop-new': { ok: 'end', fail: 'end' },
  retire: { ok: 'end', fail: 'end' },
};

/** The first phase of a deploy; a rollback to a warm colour starts at `health` (it is re-verified, never assumed). */
export function firstPhase(warm: boolean): Phase {
  return warm ? 'health' : 'start';
}

/** The phase after `phase` ended with `result`, or `end`. */
export function nextPhase(phase: Phase, result: PhaseResult): Phase | 'end' {
  return NEXT[phase][result];
}

export function advance(state: FlowState, phase: Phase, result: PhaseResult): FlowState {
  return { done: [...state.done, { phase, result }] };
}

/** How a finished flow ended. */
export function ending(state: FlowState): Ending {
  const back = state.done.find((d) => d.phase === 'switch-back');
  if (back) return back.result === 'ok' ? 'rolled-back' : 'failed';
  const retired = state.done.some((d) => d.phase === 'retire');
  if (retired) return 'succeeded';
  return 'refused';
}

// ---------------------------------------------------------------------------------------------
// Recovery: a deploy died (killed, machine rebooted) and left its journal and lock behind.

export interface RecoveryInput {
  /** The last phase the journal shows, and whether it ended (`begin` = killed inside it). */
  lastPhase: Phase | undefined;
  lastOutcome: 'ok' | 'fail' | 'begin' | undefined;
  /** The colour the dead deploy was bringing up, and the one serving before it. */
  newColour: Colour;
  oldColour: Colour | undefined;
  /** What is observed now. */
  routerActive: Colour | undefined;
  newHealthy: boolean;
  oldHealthy: boolean;
}

export interface RecoveryPlan {
  /** The colour that must serve when recovery is done, or undefined when none can. */
  serve: Colour | undefined;
  /** Colours to stop. */
  stop: Colour[];
  /** Whether the router must be pointed at `serve`. */
  switchRouter: boolean;
  outcome: Ending;
  reason: string;
}

const BEFORE_SWITCH = new Set<Phase>(['start', 'health', 'smoke']);

/**
 * Decides how to end a dead deploy consistently. The old colour is preferred whenever it is healthy
 * (the new version never finished its watch, so it is not trusted); the new one is kept only when
 * it is the sole healthy colour — never fall back to a colour not re-verified as healthy.
 */
export function planRecovery(r: RecoveryInput): RecoveryPlan {
  const finished = r.lastPhase === 'retire' || (r.lastPhase === 'watch' && r.lastOutcome === 'ok');
  if (finished && r.newHealthy) {
    return {
      serve: r.newColour,
      stop: [],
      switchRouter: r.routerActive !== r.newColour,
      outcome: 'succeeded',
      reason: 'the deploy had passed its watch; the new colour keeps serving',
    };
  }
  const neverSwitched = r.lastPhase === undefined || BEFORE_SWITCH.has(r.lastPhase);
  if (r.oldColour && r.oldHealthy) {
    return {
      serve: r.oldColour,
      stop: [r.newColour],
      switchRouter: r.routerActive !== r.oldColour,
      outcome: neverSwitched ? 'refused' : 'rolled-back',
      reason: neverSwitched
        ? `the deploy died before the switch (in ${r.lastPhase ?? 'start'}); the old colour keeps serving`
        : `the deploy died in ${r.lastPhase}; traffic goes back to the healthy old colour`,
    };
  }
  if (r.newHealthy) {
    return {
      serve: r.newColour,
      stop: r.oldColour ? [r.oldColour] : [],
      switchRouter: r.routerActive !== r.newColour,
      outcome: r.oldColour ? 'failed' : 'succeeded',
      reason: r.oldColour
        ? 'the old colour is not healthy; the new colour, healthy, serves'
        : 'first deploy: the new colour is healthy and serves',
    };
  }
  return {
    serve: undefined,
    stop: [],
    switchRouter: false,
    outcome: 'failed',
    reason: 'no colour is healthy; nothing was changed — start a deploy of a known good version',
  };
}
