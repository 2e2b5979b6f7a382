/**
 * What a channel delivers: one message, possibly about several alerts of one group. Messages are
 * stored in the outbox as they are, so they carry no secrets and no channel settings — those are
 * read from the config when the message is sent.
 */
export type AlertStatus = 'firing' | 'resolved';

export interface AlertItem {
  key: string;
  status: AlertStatus;
  labels: Record<string, string>;
  value: number | null;
  summary: string;
  startsAt: string;
  endsAt?: string;
  /** A reminder for an alert that is still firing. */
  repeat?: boolean;
}

export interface Message {
  kind: 'alerts' | 'test' | 'text';
  title: string;
  text: string;
  status?: AlertStatus;
  alerts: AlertItem[];
  /** Alerts of one group share it; the GitHub comment and Alertmanager use it to stay in one place. */
  groupKey?: string;
  createdAt: string;
}

/** One line per alert, for plain-text channels and logs. */
export function alertLines(message: Message): string[] {
  return message.alerts.map(
    (a) =>
      `${a.status === 'firing' ? (a.repeat ? 'STILL FIRING' : 'FIRING') : 'RESOLVED'} [${a.labels.severity ?? 'warning'}] ${a.summary}`,
  );
}
