import { describe, expect, it } from 'vitest';
import { siblingModule } from '../../src/core/modules.ts';

describe('siblingModule', () => {
  it('keeps the caller’s extension, so entry points resolve from the sources and from dist/', () => {
    expect(siblingModule('file:///app/src/deploy/run.ts', './retire-main')).toBe(
      '/app/src/deploy/retire-main.ts',
    );
    expect(siblingModule('file:///app/dist/src/deploy/routers/builtin.js', '../../cli/main')).toBe(
      '/app/dist/src/cli/main.js',
    );
  });
});
