import { useEffect, useRef } from 'preact/hooks';
import { clock } from '../format';
import { useT } from '../i18n';
import { common } from '../labels';
import type { TranscriptLine } from '../call-state';

interface Props {
  lines: readonly TranscriptLine[];
  /** Keep the newest line in view while the call is live (unless the reader scrolled up). */
  follow?: boolean;
  /** Call time (ms) to bring into view and mark, e.g. an evidence quote's start. */
  highlightMs?: number | null;
  label: string;
  maxHeight?: string;
}

/** The transcript by channel: customer left, agent right; a partial shows greyed and is replaced in place. */
export function Transcript({ lines, follow = false, highlightMs = null, label, maxHeight = '60vh' }: Props) {
  const t = useT(common);
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    if (highlightMs !== null) {
      el.querySelector('.utt.highlight')?.scrollIntoView({ block: 'center' });
    } else if (follow && pinned.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [lines, follow, highlightMs]);

  const marked = highlightMs === null ? null : (lines.find((l) => l.startMs <= highlightMs && highlightMs <= l.endMs) ?? nearest(lines, highlightMs));
  return (
    <div
      class="transcript"
      ref={box}
      role="log"
      tabIndex={0}
      aria-live={follow ? 'polite' : 'off'}
      aria-label={label}
      style={{ maxHeight }}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {lines.map((l) => (
        <div
          key={l.utteranceId}
          class={`utt utt-${l.channel}${l.final ? '' : ' partial'}${marked === l ? ' highlight' : ''}`}
          data-channel={l.channel}
          data-final={String(l.final)}
          data-start-ms={l.startMs}
          data-utterance-id={l.utteranceId}
          data-seq={l.seq}
        >
          <span class="who">
            {t(l.channel)} · {clock(l.startMs)}
          </span>
          <span class="text">{l.text}</span>
        </div>
      ))}
    </div>
  );
}

function nearest(lines: readonly TranscriptLine[], ms: number): TranscriptLine | null {
  let best: TranscriptLine | null = null;
  for (const l of lines) if (!best || Math.abs(l.startMs - ms) < Math.abs(best.startMs - ms)) best = l;
  return best;
}
