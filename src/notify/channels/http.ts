import { httpExchange } from '../../core/http.ts';
import { redact } from '../../core/redact.ts';
import { DeliveryError, isPermanentStatus } from './types.ts';

/** POSTs JSON and turns anything but a 2xx into a DeliveryError that names the status and what the receiver said. */
export async function postJson(
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; method?: 'POST' | 'PATCH'; timeoutMs?: number } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  let res: Awaited<ReturnType<typeof httpExchange>>;
  try {
    res = await httpExchange(url, {
      method: options.method ?? 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'shipgate', ...options.headers },
      body: JSON.stringify(body),
      timeoutMs: options.timeoutMs ?? 10_000,
      maxBodyBytes: 64 * 1024,
    });
  } catch (e) {
    throw new DeliveryError(redact((e as Error).message));
  }
  if (res.status < 200 || res.status > 299) {
    const said = res.text.trim().slice(0, 200);
    throw new DeliveryError(
      redact(`HTTP ${res.status}${said ? `: ${said}` : ''}`),
      isPermanentStatus(res.status),
    );
  }
  return { status: res.status, text: res.text, json: res.json };
}
