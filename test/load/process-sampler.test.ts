import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { readProcess, startProcessSampler } from '../../src/load/process-sampler.ts';

describe('process sampler', () => {
  it('reads RSS and CPU time of a real process and sees memory it retains', async () => {
    // A child that allocates ~60 MB it keeps, then burns some CPU.
    const child = spawn(process.execPath, [
      '-e',
      'const keep=[];setTimeout(()=>{for(let i=0;i<60;i++)keep.push(Buffer.alloc(1<<20,1));const t=Date.now();while(Date.now()-t<300);},200);setTimeout(()=>{},3000)',
    ]);
    try {
      const sampler = startProcessSampler(child.pid as number, 100);
      await new Promise((r) => setTimeout(r, 900));
      const samples = sampler.stop();
      expect(samples.length).toBeGreaterThanOrEqual(5);
      const first = samples[0] as (typeof samples)[0];
      const last = samples.at(-1) as (typeof samples)[0];
      expect(last.rssBytes - first.rssBytes).toBeGreaterThan(40 * 1024 * 1024);
      expect(last.cpuSeconds - first.cpuSeconds).toBeGreaterThan(0.15);
      expect(samples.every((s, i) => i === 0 || s.tMs >= (samples[i - 1] as typeof s).tMs)).toBe(true);
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });

  it('refuses a PID that does not exist, as a usage error', () => {
    expect(() => startProcessSampler(2 ** 22 + 12345)).toThrow(UserError);
    expect(() => startProcessSampler(-1)).toThrow(/not a process id/);
    expect(readProcess(2 ** 22 + 12345)).toBeUndefined();
  });
});
