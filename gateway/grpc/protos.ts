import { join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { packageRoot } from '../../engine/paths.js';
import type { Malformed } from './messages.js';

/** gateway/grpc, whether running from sources or from dist/ (the .proto files are not compiled). */
export const GRPC_DIR = join(packageRoot(import.meta.url), 'gateway', 'grpc');
export const EARSHOT_PROTO = join(GRPC_DIR, 'earshot.proto');
/** Google's protos, copied from the official packages (protos/README.md): the product never reads node_modules/@google-cloud. */
export const PROTOS_DIR = join(GRPC_DIR, 'protos');
export const SPEECH_PROTO = 'google/cloud/speech/v1/cloud_speech.proto';
/** The beta of the same API, which FreeSWITCH's and Asterisk's Google modules often speak; the streaming messages are the same. */
export const SPEECH_BETA_PROTO = 'google/cloud/speech/v1p1beta1/cloud_speech.proto';

/** The decoded shape messages.ts describes. */
export const LOADER_OPTIONS: Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true };

export function loadEarshotPackage(): PackageDefinition {
  return loadSync(EARSHOT_PROTO, { ...LOADER_OPTIONS, includeDirs: [GRPC_DIR, PROTOS_DIR] });
}

export function loadSpeechPackage(): PackageDefinition {
  return loadSync([SPEECH_PROTO, SPEECH_BETA_PROTO], { ...LOADER_OPTIONS, includeDirs: [PROTOS_DIR] });
}

export function isMalformed(message: unknown): message is Malformed {
  return typeof message === 'object' && message !== null && typeof (message as Partial<Malformed>).malformed === 'string';
}

/**
 * The service with request decoding that never throws: grpc-js answers a message its decoder rejects with
 * INTERNAL "Error deserializing request"; bytes that are not the message are the client's fault, so the
 * decoder's error is handed to the handler as a Malformed value, which answers INVALID_ARGUMENT with a code.
 */
export function serviceOf(pkg: PackageDefinition, name: string): ServiceDefinition {
  const service = pkg[name];
  // Message and enum definitions carry a `format`; services are maps of methods.
  if (!service || 'format' in service) throw new Error(`no gRPC service ${name} in the loaded protos`);
  const guarded: Record<string, unknown> = {};
  for (const [method, def] of Object.entries(service as Record<string, { requestDeserialize: (b: Buffer) => unknown }>)) {
    const decode = def.requestDeserialize;
    guarded[method] = {
      ...def,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch (err) {
          return { malformed: err instanceof Error ? err.message : String(err) } satisfies Malformed;
        }
      },
    };
  }
  return guarded as unknown as ServiceDefinition;
}
