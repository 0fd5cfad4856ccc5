import { MULAW_TO_PCM } from '../../../engine/audio/g711.js';
import { openAudioFork } from '../../../gateway/audio-fork/client.js';
import type { Subprotocol } from '../../../gateway/audio-fork/parse.js';
import type { DriverCall, DriverTarget, ProtocolDriver } from './driver.js';

/** Stereo μ-law → L16 (little-endian PCM16), the samples the μ-law stands for. */
function toL16(frame: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(frame.length * 2);
  for (let i = 0; i < frame.length; i++) out.writeInt16LE(MULAW_TO_PCM[frame[i]!]!, i * 2);
  return out;
}

/** A stereo 8 kHz fork: caller (customer) on channel 0, callee (agent) on 1; the key as `?token=`; stop = close 1000. */
async function openFork(subprotocol: Subprotocol, target: DriverTarget, callId: string): Promise<DriverCall> {
  const metadata = subprotocol === 'audio.jambonz.org'
    ? { callSid: callId, sampleRate: 8000, mixType: 'stereo', agentId: 'bench' }
    : { callId, agent: 'bench', sampleRate: 8000, mixType: 'stereo' };
  const fork = await openAudioFork(target.wsUrl, {
    subprotocol,
    query: target.apiKey ? `?token=${encodeURIComponent(target.apiKey)}` : '',
    metadata,
  });
  return {
    sendFrame(frame) {
      if (fork.ws.readyState === fork.ws.OPEN) fork.sendAudio(toL16(frame));
    },
    async stop() {
      await fork.stop();
    },
  };
}

/** FreeSWITCH mod_audio_fork (`/v1/audio-fork`, subprotocol audio.drachtio.org; docs/integrations.md). */
export const driver: ProtocolDriver = {
  protocol: 'freeswitch-audio-fork',
  open: (target, callId) => openFork('audio.drachtio.org', target, callId),
};

/** jambonz `listen` (`/v1/audio-fork`, subprotocol audio.jambonz.org). */
export const jambonzDriver: ProtocolDriver = {
  protocol: 'jambonz-listen',
  open: (target, callId) => openFork('audio.jambonz.org', target, callId),
};
