/**
 * A development SMTP sink: accepts every message on SMTP and lists them over HTTP
 * with the subset of Mailpit's API that the tests and the demo use
 * (GET/DELETE /api/v1/messages), so the same code reads Mailpit in docker compose.
 * Messages live in memory; nothing is ever delivered anywhere.
 *
 *   tsx tools/stack/src/mail-sink.ts <host> <smtpPort> <httpPort>
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressObject } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

interface StoredMessage {
  ID: string;
  MessageID: string;
  From: { Address: string };
  To: { Address: string }[];
  Subject: string;
  Created: string;
  Snippet: string;
  Text: string;
}

const [host = '127.0.0.1', smtpPort = '11025', httpPort = '18025'] = process.argv.slice(2);
const messages: StoredMessage[] = [];
const maxMessages = 10_000;
const maxSize = 1024 * 1024;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  // Every client is on loopback: a reverse DNS lookup of 127.0.0.1 per connection only
  // delays the greeting (up to smtp-server's 1.5 s lookup timeout where DNS is slow).
  // smtp-server still waits a fixed 100 ms before the greeting (its early-talker
  // check); pooled senders pay that once per connection, not per message.
  disableReverseLookup: true,
  size: maxSize,
  logger: false,
  onData(stream, _session, callback) {
    // The API lists the plain text only: skip building an HTML copy of it (with links
    // detected), about a quarter of the sink's CPU per message.
    simpleParser(stream, { skipTextToHtml: true, skipTextLinks: true })
      .then((mail) => {
        const text = mail.text ?? '';
        messages.push({
          ID: randomUUID(),
          MessageID: (mail.messageId ?? '').replace(/^<|>$/g, ''),
          From: { Address: mail.from?.value[0]?.address ?? '' },
          To: addresses(mail.to),
          Subject: mail.subject ?? '',
          Created: new Date().toISOString(),
          Snippet: text.slice(0, 200),
          Text: text,
        });
        if (messages.length > maxMessages) messages.shift();
        callback();
      })
      .catch((error: Error) => callback(error));
  },
});

function addresses(to: AddressObject | AddressObject[] | undefined): { Address: string }[] {
  const list = Array.isArray(to) ? to : to ? [to] : [];
  return list.flatMap((a) => a.value.map((v) => ({ Address: v.address ?? '' })));
}

const http = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://sink');
  if (url.pathname === '/api/v1/messages' && req.method === 'GET') {
    // Newest first, as Mailpit lists them.
    const list = [...messages].reverse();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ total: list.length, messages_count: list.length, messages: list }));
    return;
  }
  if (url.pathname === '/api/v1/messages' && req.method === 'DELETE') {
    messages.length = 0;
    res.writeHead(200).end('ok');
    return;
  }
  if (url.pathname === '/livez') {
    res.writeHead(200).end('ok');
    return;
  }
  res.writeHead(404).end();
});

smtp.listen(Number(smtpPort), host);
http.listen(Number(httpPort), host);
const stop = () => {
  smtp.close(() => http.close(() => process.exit(0)));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
