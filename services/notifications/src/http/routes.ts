import type { NotificationKind } from '@orderflow/events';
import { HttpApi, HttpProblem, maySee, principalOf, problem, Scopes } from '@orderflow/platform';
import { z } from 'zod';
import { findNotification, notificationsOf } from '../features/read-notifications.js';
import type { NotificationsDb } from '../infra/database.js';

const kind = z.enum([
  'ORDER_CONFIRMED',
  'ORDER_CANCELLED',
] as const satisfies readonly NotificationKind[]);
const orderId = z.guid().describe('The order id (a UUID)');

const notification = z
  .strictObject({
    orderId: z.uuid(),
    kind,
    channel: z.literal('EMAIL'),
    customerId: z.string(),
    recipient: z.string(),
    subject: z.string(),
    body: z.string(),
    messageId: z.string(),
    status: z.enum(['PENDING', 'SENT']),
    attempts: z.number().int().min(0),
    lastError: z.string().nullable().describe('Why the last delivery attempt failed'),
    nextAttemptAt: z.iso.datetime().nullable().describe('When a PENDING e-mail is tried next'),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Notification', description: 'An e-mail as sent, or to be sent' });
type Notification = z.input<typeof notification>;

/** Read endpoints only: notifications has no write API, it reacts to orders.events. */
export function notificationsRoutes(db: NotificationsDb, version = '0.1.0'): HttpApi {
  const api = new HttpApi({
    title: 'orderflow notifications API',
    version,
    description: 'The e-mails sent to customers about the outcome of their orders.',
  });

  api.get(
    '/notifications',
    {
      operationId: 'listNotifications',
      summary: 'Every notification about an order, oldest first',
      description: 'A customer token sees its own customer’s notifications only.',
      scopes: [Scopes.notificationsRead],
      query: z.strictObject({ orderId }),
      responses: {
        200: {
          description: 'At most one notification per kind',
          body: z.strictObject({ items: z.array(notification) }),
        },
      },
    },
    async ({ query }, res) => {
      const principal = principalOf(res);
      const items: Notification[] = (await notificationsOf(db, query.orderId)).filter((n) =>
        maySee(principal, n.customerId),
      );
      res.json({ items });
    },
  );

  api.get(
    '/notifications/{orderId}/{kind}',
    {
      operationId: 'getNotification',
      summary: 'The notification of one kind about an order',
      description: 'Another customer’s notification is, for a customer token, none (404).',
      scopes: [Scopes.notificationsRead],
      params: z.object({ orderId, kind: kind.describe('Which outcome') }),
      responses: {
        200: { description: 'The notification', body: notification },
        404: problem('No notification of this kind about the order'),
      },
    },
    async ({ params }, res) => {
      const found: Notification | undefined = await findNotification(
        db,
        params.orderId,
        params.kind,
      );
      if (!found || !maySee(principalOf(res), found.customerId)) {
        throw HttpProblem.notFound(`no ${params.kind} notification for order ${params.orderId}`);
      }
      res.json(found);
    },
  );

  return api;
}
