import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { EventBus } from '../engine/bus.js';
import { EarshotError, closeReason } from '../engine/errors.js';
import { eventJson, type CallEventType } from '../engine/events.js';

interface EventsQs {
  callId?: string;
  types?: string;
}

/**
 * `ws://HOST:PORT/v1/events`: every CallEvent as one JSON text frame, as it is published (optionally one
 * call's, `?callId=`, or some types, `?types=alert,call.ended`). A consumer that falls too far behind is
 * disconnected with EARSHOT_ERR_EVENTS_SLOW_CONSUMER rather than buffered without bound; it catches up
 * from GET /v1/calls/:id/events?afterSeq=.
 */
export function registerEventsSocket(app: FastifyInstance, bus: EventBus, maxBufferedBytes: number, log: Logger): void {
  app.get<{ Querystring: EventsQs }>(
    '/v1/events',
    {
      websocket: true,
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            callId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$' },
            types: { type: 'string', pattern: '^[a-z.]+(,[a-z.]+)*$', maxLength: 200 },
          },
        },
      },
    },
    (socket, req) => {
      const types = req.query.types?.split(',') as CallEventType[] | undefined;
      const unsubscribe = bus.subscribe({ callId: req.query.callId, types }, (event) => {
        if (socket.readyState !== socket.OPEN) return;
        if (socket.bufferedAmount > maxBufferedBytes) {
          const err = new EarshotError('EARSHOT_ERR_EVENTS_SLOW_CONSUMER', `${socket.bufferedAmount} bytes unsent`);
          log.warn({ bufferedBytes: socket.bufferedAmount }, 'events consumer dropped: too slow');
          unsubscribe();
          socket.close(err.spec.wsClose, closeReason(err));
          return;
        }
        socket.send(eventJson(event));
      });
      socket.on('close', unsubscribe);
      socket.on('error', (err) => log.warn({ err }, 'events socket error'));
      // Consumers send nothing; anything they send is ignored.
    },
  );
}
