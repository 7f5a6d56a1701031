import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** `<…>` form; the sender passes the notification's stable id. */
  messageId: string;
  headers?: Record<string, string>;
}

/** The port the sender hands e-mail to; resolves once the server accepted the message. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface SmtpPoolOptions {
  /** `smtp://host:port` or `smtps://user:pass@host:465`. */
  url: string;
  /** Connections open at once; the sender keeps about this many e-mails in flight. */
  maxConnections: number;
  /** Messages per connection before it is replaced, so no session lives forever. */
  maxMessages: number;
}

/**
 * SMTP through a nodemailer pool: a few long-lived connections, each carrying many
 * messages (RSET between them), so the cost of opening a session (TCP, greeting, EHLO,
 * TLS on smtps) is paid once per `maxMessages`, not per e-mail. Messages beyond the
 * open connections wait in the pool's queue; the sender bounds how many it hands over.
 *
 * Timeouts are short so that a server that accepts the TCP connection and then hangs
 * fails the attempt instead of stalling the sender. An idle pooled connection that
 * reaches `socketTimeout` is simply dropped and reopened on the next e-mail.
 */
export function smtpTransport(options: SmtpPoolOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: options.maxMessages,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail(mail);
    },
    // Idle connections close now, busy ones after their message; queued messages fail.
    close: () => transporter.close(),
  };
}
