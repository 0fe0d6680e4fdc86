// GET /admin/api/webhook-endpoints and /webhook-deliveries: server/events/webhook-routes.ts.
import { securityEventTypes } from '../../../server/events/event-types.ts';

export { securityEventTypes };

export interface WebhookEndpointRecord {
  id: number;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: 'admin' | 'failing' | null;
  failingSince: string | null;
  consecutiveFailures: number;
  previousSecretValidUntil: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Only in the answer to a create or a rotation: shown once. */
export interface WebhookEndpointWithSecret extends WebhookEndpointRecord {
  secret: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'delivered', 'failed'];

export interface WebhookDeliveryRecord {
  id: number;
  endpointId: number;
  eventId: string;
  eventCursor: string;
  eventType: string;
  userId: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** Event types as choices: the names are the protocol's own identifiers, shown as they are. */
export const eventTypeChoices = securityEventTypes.map((type) => ({ id: type, name: type }));
