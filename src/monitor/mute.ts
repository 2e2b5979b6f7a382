import type { Silence } from '../store/monitoring.ts';
import { type Labels, matches } from './series.ts';

/**
 * Whether an alert is muted right now: by a silence (made with `shipgate alerts silence`, kept in
 * the store) or a maintenance window from the config. A muted alert still changes state; only
 * its notifications wait.
 */
export interface MaintenanceWindow {
  name: string;
  start?: string;
  end?: string;
  daily?: { from: string; to: string };
  match: Labels;
}

export function inMaintenance(window: MaintenanceWindow, at: number): boolean {
  if (window.start && window.end) {
    if (at >= Date.parse(window.start) && at < Date.parse(window.end)) return true;
  }
  if (window.daily) {
    const minute = Math.floor((at % 86_400_000) / 60_000);
    const from = minutesOf(window.daily.from);
    const to = minutesOf(window.daily.to);
    // a window like 23:30–00:30 wraps past midnight
    return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
  }
  return false;
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The reason an alert is muted (a silence or window), or undefined. */
export function mutedBy(
  labels: Labels,
  at: number,
  silences: readonly Silence[],
  windows: readonly MaintenanceWindow[],
): string | undefined {
  for (const s of silences) {
    if (s.startsAt.getTime() <= at && at < s.endsAt.getTime() && matches(labels, s.matchers)) {
      return `silence #${s.id}`;
    }
  }
  for (const w of windows)
    if (matches(labels, w.match) && inMaintenance(w, at)) return `maintenance ${w.name}`;
  return undefined;
}
