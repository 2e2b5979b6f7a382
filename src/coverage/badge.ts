/**
 * A shields.io-style flat SVG badge, written by shipgate itself so CI needs no network:
 * ≥ 90 % brightgreen, ≥ 75 % green, ≥ 60 % yellow, else red; grey when nothing was measured.
 */
const BANDS: Array<[number, string]> = [
  [90, '#4c1'],
  [75, '#97ca00'],
  [60, '#dfb317'],
  [0, '#e05d44'],
];

export function badgeColor(pct: number | null): string {
  if (pct === null) return '#9f9f9f';
  return (BANDS.find(([min]) => pct >= min) ?? BANDS[BANDS.length - 1])?.[1] as string;
}

/** Approximate Verdana 11px advance widths, enough to size the two halves. */
function textWidth(s: string): number {
  let w = 0;
  for (const c of s)
    w += /[0-9]/.test(c) ? 7 : c === '.' || c === ' ' ? 3.5 : c === '%' ? 10 : /[a-z]/.test(c) ? 6.5 : 7.5;
  return Math.ceil(w);
}

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function coverageBadge(pct: number | null, label = 'coverage'): string {
  // Floored like every shown percentage: 89.96 % must not read "90.0%" in a green badge.
  const value = pct === null ? 'n/a' : pct === 100 ? '100%' : `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
  const lw = textWidth(label) + 10;
  const vw = textWidth(value) + 10;
  const w = lw + vw;
  const color = badgeColor(pct);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${esc(label)}: ${esc(value)}">
<title>${esc(label)}: ${esc(value)}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${esc(label)}</text><text x="${lw / 2}" y="14">${esc(label)}</text>
<text x="${lw + vw / 2}" y="15" fill="#010101" fill-opacity=".3">${esc(value)}</text><text x="${lw + vw / 2}" y="14">${esc(value)}</text>
</g>
</svg>
`;
}
