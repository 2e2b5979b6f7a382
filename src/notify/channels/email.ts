import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { redact } from '../../core/redact.ts';
import { alertLines, type Message } from '../message.ts';
import { type Channel, DeliveryError } from './types.ts';

/**
 * Email over SMTP with nodemailer. As the seed did, STARTTLS is required (port 587): a server that
 * does not offer it gets no password in the clear. Port 465 speaks TLS from the first byte.
 */
export const emailChannel: Channel = {
  name: 'email',
  configured: (ctx) => {
    const e = ctx.config.notify.email;
    return Boolean(e.smtpServer && e.recipients.length > 0);
  },
  describe: (ctx) => {
    const e = ctx.config.notify.email;
    return `email to ${e.recipients.length} recipient${e.recipients.length === 1 ? '' : 's'} via ${e.smtpServer ?? '(no server)'}:${e.smtpPort}`;
  },
  async send(message, ctx, id) {
    const e = ctx.config.notify.email;
    if (!e.smtpServer || e.recipients.length === 0) {
      throw new DeliveryError('email needs notify.email.smtpServer and recipients', true);
    }
    const security = e.security ?? (e.smtpPort === 465 ? 'tls' : 'starttls');
    const transport = nodemailer.createTransport({
      host: e.smtpServer,
      port: e.smtpPort,
      secure: security === 'tls',
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      ...(e.username ? { auth: { user: e.username, pass: e.password ?? '' } } : {}),
      ...(e.caFile ? { tls: { ca: readFileSync(e.caFile, 'utf8') } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    try {
      await transport.sendMail({
        from: e.from ?? e.username ?? 'shipgate@localhost',
        to: e.recipients,
        subject: `[shipgate] ${message.title}`,
        text: emailText(message),
        // lets a mail system recognise a retry of the same message
        messageId: `<${id}@shipgate>`,
      });
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx SMTP replies are permanent (bad recipient, auth refused); 4xx and network errors are not
      throw new DeliveryError(redact((err as Error).message), code !== undefined && code >= 500);
    } finally {
      transport.close();
    }
  },
};

export function emailText(message: Message): string {
  const lines = message.alerts.length > 0 ? alertLines(message) : [message.text];
  return [message.title, '', ...lines, '', `-- shipgate, ${message.createdAt}`].join('\n');
}
