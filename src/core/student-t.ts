/**
 * Student's t distribution: quantiles for confidence intervals (trend slopes) and tail
 * probabilities for significance tests (change points), with no statistics dependency.
 */

/**
 * Quantile of Student's t distribution: the t with P(T ≤ t) = p for `df` degrees of freedom (df > 0,
 * not necessarily an integer). Solved by bisection on the CDF, which comes from the regularized
 * incomplete beta function; accurate to ~1e-10 relative, far inside what a confidence interval needs.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile probability must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`t quantile degrees of freedom must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  const tail = p > 0.5 ? 1 - p : p;
  // Beyond ~1e7 the t and normal quantiles agree to 1e-7, and the continued fraction converges slowly.
  const nu = Math.min(df, 1e7);
  let lo = 0;
  let hi = 1;
  while (studentTUpperTail(hi, nu) > tail) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTUpperTail(mid, nu) > tail) lo = mid;
    else hi = mid;
  }
  const t = (lo + hi) / 2;
  return p > 0.5 ? t : -t;
}

/** P(T > t) for t ≥ 0: ½·I_x(ν/2, ½) with x = ν/(ν+t²). */
export function studentTUpperTail(t: number, nu: number): number {
  const t2 = t * t;
  return 0.5 * regularizedIncompleteBeta(nu / (nu + t2), t2 / (nu + t2), nu / 2, 0.5);
}

/**
 * I_x(a, b), taking both x and y = 1 − x so neither has to be recovered by a cancelling subtraction.
 * Uses the continued fraction on whichever side of the mean converges fast, and the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) for the other.
 */
function regularizedIncompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - lnBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

/**
 * The continued fraction I_x(a,b) = front/a · 1/(1+ d1/(1+ d2/(1+ …))) with
 * d(2m+1) = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d(2m) = m(b−m)x / ((a+2m−1)(a+2m)),
 * evaluated with the modified Lentz method.
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const guard = (v: number) => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / guard(1 - ((a + b) * x) / (a + 1));
  let f = d;
  for (let m = 1; m <= 100_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 / guard(1 + even * d);
    c = guard(1 + even / c);
    f *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 / guard(1 + odd * d);
    c = guard(1 + odd / c);
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return f;
}

function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

/**
 * ln Γ(x) for x > 0: Stirling's series (truncation error < 1e-12 once x ≥ 10), reaching small x
 * through Γ(x) = Γ(x + 1)/x.
 */
function lnGamma(x: number): number {
  let shift = 0;
  let z = x;
  while (z < 10) {
    shift += Math.log(z);
    z += 1;
  }
  const inv2 = 1 / (z * z);
  const series = (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680))) / z;
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}
