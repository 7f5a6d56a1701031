/**
 * Every metric and span attribute name the services emit, in one place: the
 * dashboards, the alert rules and the tests refer to these names, so a rename is
 * one change here (and a visible diff there).
 */
export const MetricNames = {
  // HTTP (RED), per route template, method and status class
  httpRequests: 'http_server_requests_total',
  httpDuration: 'http_server_request_duration_seconds',
  // Outbox relay
  outboxBacklog: 'outbox_backlog_messages',
  outboxOldestAge: 'outbox_oldest_message_age_seconds',
  postgresOldestTransactionAge: 'postgres_oldest_transaction_age_seconds',
  outboxLeader: 'outbox_relay_leader',
  outboxPublished: 'outbox_published_messages_total',
  outboxPublishErrors: 'outbox_publish_errors_total',
  outboxPublishLatency: 'outbox_publish_latency_seconds',
  // Consumer: outcome is handled | duplicate | dead_lettered
  consumerMessages: 'consumer_messages_total',
  consumerRetries: 'consumer_retries_total',
  consumerHandlerDuration: 'consumer_handler_duration_seconds',
  consumerBatchRecords: 'consumer_batch_records',
  consumerRecordAge: 'consumer_record_age_seconds',
  // The saga, as orders sees it
  sagaOutcomes: 'saga_outcomes_total',
  sagaDuration: 'saga_duration_seconds',
  // Admission control of new orders (overload)
  ordersInFlight: 'orders_in_flight',
  sagaCompletionRate: 'saga_completion_rate',
  admissionLimit: 'orders_admission_limit',
  ordersRefused: 'orders_refused_total',
  // Notifications
  notificationsSent: 'notifications_sent_total',
  notificationFailures: 'notification_send_failures_total',
} as const;

/** Span attributes: OpenTelemetry semantic conventions first, orderflow's own after. */
export const SpanAttributes = {
  messagingSystem: 'messaging.system',
  messagingOperationType: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingMessageId: 'messaging.message.id',
  messagingKafkaKey: 'messaging.kafka.message.key',
  orderId: 'order.id',
  sagaStep: 'orderflow.saga.step',
  outcome: 'orderflow.outcome',
  messagingBatchCount: 'messaging.batch.message_count',
  correlationId: 'orderflow.correlation_id',
} as const;

/** Log fields every line carries when it is about an order. */
export const LogFields = {
  traceId: 'trace_id',
  spanId: 'span_id',
  correlationId: 'correlation_id',
  orderId: 'order_id',
} as const;
