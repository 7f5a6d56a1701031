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

/**
 * SMTP through nodemailer, one connection per message (the sender is one loop, so a
 * pool would buy little). Timeouts are short so that a server that accepts the TCP
 * connection and then hangs fails the attempt instead of stalling the sender.
 */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}
