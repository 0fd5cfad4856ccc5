/** The CallEvent contract, shared with the engine (types only: nothing of the engine is bundled). */
export type {
  AlertEvent,
  CallEndedEvent,
  CallEvent,
  CallEventType,
  CallRisk,
  CallStartedEvent,
  Channel,
  ChannelStats,
  MetricEvent,
  QaScoredEvent,
  RiskLevel,
  Severity,
  SuggestionEvent,
  UtteranceEvent,
} from '../../../engine/events.js';
export type { ItemResult } from '../../../engine/qa/score.js';
