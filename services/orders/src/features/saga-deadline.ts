import type { EventPublisher, Logger } from '@orderflow/platform';
import { PollLoop } from '@orderflow/platform';
import type { OrdersDb } from '../infra/database.js';
import { cancelOrder } from './cancel-order.js';
import type { ObserveSaga } from './saga-metrics.js';

/**
 * Cancels orders that stayed PENDING past the saga deadline (reason TIMEOUT): a lost
 * reply or a stuck service must not leave an order open forever (invariant I1,
 * docs/invariants.md). Every instance may run it: the order's lock and the decider
 * make a second cancellation a no-op. The cancellation continues the order's trace.
 * The payment and the reservation, if any, are compensated by their services when
 * they see OrderCancelled.
 */
export class SagaDeadline {
  private readonly loop: PollLoop;

  constructor(
    private readonly db: OrdersDb,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    private readonly observe: ObserveSaga,
    private readonly options: { deadlineMs: number; scanEveryMs: number; batchSize?: number },
  ) {
    this.loop = new PollLoop({
      tick: async () => {
        const cancelled = await this.cancelOverdue();
        if (cancelled > 0)
          this.logger.info({ cancelled }, 'cancelled orders past the saga deadline');
      },
      pauseMs: () => this.options.scanEveryMs,
      onError: (err) => this.logger.error({ err }, 'saga deadline scan failed'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass: cancels up to a batch of overdue orders; returns how many it cancelled. */
  async cancelOverdue(now = new Date()): Promise<number> {
    const overdue = await this.db
      .selectFrom('orders_view')
      .select('order_id')
      .where('status', '=', 'PENDING')
      .where('placed_at', '<', new Date(now.getTime() - this.options.deadlineMs))
      .orderBy('placed_at')
      .limit(this.options.batchSize ?? 100)
      .execute();
    let cancelled = 0;
    for (const order of overdue) {
      // In the order's saga: its correlation id, its trace (see cancelOrder).
      const result = await cancelOrder(this.db, this.publisher, order.order_id, {
        reason: 'TIMEOUT',
        now,
        causationId: `deadline:${order.order_id}`,
      });
      this.observe(result)();
      cancelled += result.events.length > 0 ? 1 : 0;
    }
    return cancelled;
  }
}
