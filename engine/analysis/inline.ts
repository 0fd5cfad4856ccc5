import { toError } from '../errors.js';
import type { AnalysisBackend, ChannelHandle } from './backend.js';
import { createAnalyserFactory } from './build.js';
import type { AnalysisSetup } from './messages.js';

/**
 * Analysis in the calling thread: for a deployment configured with no workers and for tests of what lies
 * downstream. Chunks are analysed strictly in order through one promise chain per channel.
 */
export async function createInlineBackend(setup: AnalysisSetup): Promise<AnalysisBackend> {
  const factory = await createAnalyserFactory(setup);
  return {
    info: factory.info,
    open(_key, onEvent): ChannelHandle {
      const analyser = factory.open(onEvent);
      let chain: Promise<unknown> = analyser;
      const waiting: number[] = []; // arrival times of chunks not yet analysed
      const run = (fn: (a: Awaited<typeof analyser>) => unknown) => {
        chain = chain.then(async () => fn(await analyser)).catch((err) =>
          onEvent({ kind: 'error', code: 'EARSHOT_ERR_INTERNAL', message: toError(err).message, retryable: false }),
        );
        return chain;
      };
      return {
        push(pcm) {
          waiting.push(performance.now());
          void run(async (a) => {
            await a.push(pcm);
            waiting.shift();
          });
        },
        drain: () => run((a) => a.finish()).then(() => undefined),
        close: () => void run((a) => a.close()),
        get lagMs() {
          return waiting.length > 0 ? performance.now() - waiting[0]! : 0;
        },
      };
    },
    close: async () => factory.close(),
  };
}
