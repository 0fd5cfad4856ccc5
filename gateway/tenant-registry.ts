import type { CallRegistry } from '../engine/session/registry.js';
import type { Admission, AudioAuth, Principal } from './auth.js';

/**
 * The call registry as one authenticated connection sees it: every call it opens counts against its tenant's
 * concurrent-call limit until the call ends, and records the tenant in the call's metadata. Every protocol
 * adapter opens its calls through one of these.
 */
export function tenantRegistry(registry: CallRegistry, auth: AudioAuth, principal: Principal): CallRegistry {
  const admissions = new Map<string, Admission>();
  const release = (callId: string): void => {
    admissions.get(callId)?.release();
    admissions.delete(callId);
  };
  return {
    open(spec) {
      const admission = auth.admit(principal);
      try {
        const session = registry.open({ ...spec, metadata: { ...spec.metadata, tenant: principal.tenant } });
        admissions.set(session.callId, admission);
        return session;
      } catch (err) {
        admission.release();
        throw err;
      }
    },
    get: (callId) => registry.get(callId),
    get liveCount() {
      return registry.liveCount;
    },
    end(callId, reason, error) {
      const ended = registry.end(callId, reason, error);
      if (!ended) release(callId);
      else void ended.finally(() => release(callId)).catch(() => undefined);
      return ended;
    },
    endAll: (reason) => registry.endAll(reason),
    recoverInterrupted: () => registry.recoverInterrupted(),
  };
}
