import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  /** Every message received, raw (headers and body), in order. */
  mails: string[];
  close(): Promise<void>;
}

/** An in-process SMTP server on a loopback port that accepts anyone and keeps every message. */
export async function smtpSink(): Promise<SmtpSink> {
  const mails: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => {
        data += c;
      });
      stream.on('end', () => {
        mails.push(data);
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as { port: number }).port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
