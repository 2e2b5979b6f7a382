/**
 * The line of a lockfile where a package is declared, so a finding can become a GitHub annotation
 * and a SARIF location. One pattern per lockfile dialect; the first that matches wins.
 */
function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function lineOfPackage(text: string, name: string, version: string): number | undefined {
  const n = escapeRegex(name);
  const v = escapeRegex(version);
  const patterns = [
    new RegExp(`"(?:[^"]*/)?node_modules/${n}":`), // npm v2/v3
    new RegExp(`^\\s*"?/?${n}@(?:npm:)?${v}[":(,]`, 'm'), // yarn, pnpm 6/9
    new RegExp(`^\\s*/${n}/${v}[:_]`, 'm'), // pnpm 5
    new RegExp(`^name = "${n}"\\s*\\nversion = "${v}"`, 'im'), // poetry, uv
    new RegExp(
      `^${name
        .split(/[-_.]+/)
        .map(escapeRegex)
        .join('[-_.]+')}\\s*(\\[[^\\]]*\\])?\\s*===?\\s*${v}`,
      'im',
    ), // requirements
    new RegExp(`^\\s*"${n}": \\{`, 'im'), // npm v1, Pipfile.lock
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (m) return text.slice(0, m.index + (m[0].length - m[0].trimStart().length)).split('\n').length;
  }
  return undefined;
}
