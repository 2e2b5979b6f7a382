/**
 * Every command ends in one verdict. `warn` passes (exit 0) but says something is below target;
 * `inconclusive` means the measurement cannot be trusted — never disguised as a pass.
 */
export const VERDICTS = ['pass', 'warn', 'fail', 'inconclusive'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const EXIT = { pass: 0, fail: 1, usage: 2, inconclusive: 3 } as const;

const EXIT_BY_VERDICT: Record<Verdict, number> = {
  pass: EXIT.pass,
  warn: EXIT.pass,
  fail: EXIT.fail,
  inconclusive: EXIT.inconclusive,
};

export function exitCodeFor(verdict: Verdict): number {
  return EXIT_BY_VERDICT[verdict];
}

const SEVERITY: Record<Verdict, number> = { pass: 0, warn: 1, inconclusive: 2, fail: 3 };

/** The verdict of several parts: the worst one wins (a failure outranks "could not tell"). */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'pass';
  for (const v of verdicts) if (SEVERITY[v] > SEVERITY[worst]) worst = v;
  return worst;
}
