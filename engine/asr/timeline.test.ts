import { describe, expect, it } from 'vitest';
import { CallTimeline } from './timeline.js';

describe('stream time → call time', () => {
  it('merges contiguous accepts and maps across a VAD jump', () => {
    const t = new CallTimeline();
    t.addAudio(320, 1000); // 20 ms at 1.000 s
    t.addAudio(320, 1020); // contiguous: same anchor
    t.addAudio(1600, 5000); // jump over silence: 100 ms at 5.000 s
    expect(t.fed).toBe(2240);
    expect(t.toCallMs(0.01, 'end')).toBeCloseTo(1010);
    expect(t.toCallMs(640 / 16000, 'start')).toBeCloseTo(5000); // first sample after the jump
    expect(t.toCallMs((640 + 800) / 16000, 'end')).toBeCloseTo(5050);
    expect(t.realEndMs).toBeCloseTo(5100);
  });

  it('moves times inside provider padding to real audio: ends back, starts forward', () => {
    const t = new CallTimeline();
    t.addAudio(1600, 0); // 100 ms
    t.addPadding(8000); // 500 ms of flush padding
    t.addAudio(1600, 9000);
    expect(t.toCallMs(0.3, 'end')).toBeCloseTo(100);
    expect(t.toCallMs(0.3, 'start')).toBeCloseTo(9000);
    expect(t.toCallMs(0.65, 'end')).toBeCloseTo(9050);
  });

  it('prunes finished segments but keeps the anchor still in use', () => {
    const t = new CallTimeline();
    t.addAudio(1600, 0);
    t.addAudio(1600, 1000);
    t.addAudio(1600, 2000);
    t.prune(0.15); // inside the second anchor
    expect(t.toCallMs(0.15, 'end')).toBeCloseTo(1050);
    expect(t.toCallMs(0.25, 'end')).toBeCloseTo(2050);
  });
});
