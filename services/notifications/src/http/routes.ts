import { HttpProblem, validate } from '@orderflow/platform';
import { Router } from 'express';
import { z } from 'zod';
import { findNotification, notificationsOf } from '../features/read-notifications.js';
import type { NotificationsDb } from '../infra/database.js';

const listQuery = z.object({ orderId: z.uuid() }).strict();
const orderId = z.uuid();
const kind = z.enum(['ORDER_CONFIRMED', 'ORDER_CANCELLED']);

/** Read endpoints only: notifications has no write API, it reacts to orders.events. */
export function notificationsRoutes(db: NotificationsDb): Router {
  const routes = Router();

  routes.get('/notifications', async (req, res) => {
    const query = validate(listQuery, req.query, 'query string');
    res.json({ items: await notificationsOf(db, query.orderId) });
  });

  routes.get('/notifications/:orderId/:kind', async (req, res) => {
    const id = validate(orderId, req.params['orderId'], 'order id');
    const which = validate(kind, req.params['kind'], 'notification kind');
    const notification = await findNotification(db, id, which);
    if (!notification) throw HttpProblem.notFound(`no ${which} notification for order ${id}`);
    res.json(notification);
  });

  return routes;
}
