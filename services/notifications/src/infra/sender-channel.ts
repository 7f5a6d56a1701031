/** Notified on commit of a new notification row; the leading sender LISTENs on it. */
export const SENDER_CHANNEL = 'orderflow_notifications';
