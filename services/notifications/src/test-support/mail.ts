import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { stack } from '@orderflow/testing';

export interface SinkMessage {
  MessageID: string;
  From: { Address: string };
  To: { Address: string }[];
  Subject: string;
  Text: string;
}

/**
 * The stack's SMTP sink holds every test's mail, so a test only ever looks at the
 * messages with its own Message-ID (given with or without the angle brackets).
 */
export async function sinkMessages(messageId: string): Promise<SinkMessage[]> {
  const response = await fetch(`${stack.endpoints.mailApiUrl}/api/v1/messages`);
  if (!response.ok) throw new Error(`mail sink answered ${response.status}`);
  const { messages } = (await response.json()) as { messages: SinkMessage[] };
  const id = messageId.replace(/^<|>$/g, '');
  return messages.filter((m) => m.MessageID === id);
}

/** How often each Message-ID (without angle brackets) is in the sink, from one listing. */
export async function sinkMessageIdCounts(): Promise<Map<string, number>> {
  const response = await fetch(`${stack.endpoints.mailApiUrl}/api/v1/messages`);
  if (!response.ok) throw new Error(`mail sink answered ${response.status}`);
  const { messages } = (await response.json()) as { messages: SinkMessage[] };
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.MessageID, (counts.get(m.MessageID) ?? 0) + 1);
  return counts;
}

/** A TCP port that was free a moment ago: nothing listens there until a test starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Received {
  messageId: string;
  to: string[];
  subject: string;
}

/**
 * A real SMTP server owned by one test, on a port of its choosing; records what it
 * accepts. Recipients for which `rejects` answers true are refused at RCPT TO with a
 * permanent 550, as a real server refuses an unknown mailbox.
 */
export async function startSmtpServer(
  port: number,
  rejects: (recipient: string) => boolean = () => false,
) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!rejects(address.address)) return callback();
      const refused = Object.assign(new Error(`mailbox ${address.address} unavailable`), {
        responseCode: 550,
      });
      callback(refused);
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
          received.push({
            messageId: mail.messageId ?? '',
            to: to.flatMap((a) => a.value.map((v) => v.address ?? '')),
            subject: mail.subject ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
