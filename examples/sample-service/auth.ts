import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What POST /token answers, as FastAPI's OAuth2 password flow does. */
export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface TokenStoreOptions {
  username: string;
  password: string;
  /** Accepted forever, besides the issued tokens. */
  staticToken?: string | undefined;
  ttlSeconds?: number;
  /** Load tests that log in per virtual user must not grow memory without bound. */
  maxTokens?: number;
  now?: () => number;
}

/** Issued bearer tokens, kept in memory only: a restarted instance forgets them, like PiWardrive's /auth/login. */
export class TokenStore {
  readonly #username: Buffer;
  readonly #password: Buffer;
  readonly #staticToken: string | undefined;
  readonly #ttlMs: number;
  readonly #maxTokens: number;
  readonly #now: () => number;
  /** token → expiry (ms since epoch); Map keeps insertion order, so the first entries are the oldest. */
  readonly #tokens = new Map<string, number>();

  constructor(options: TokenStoreOptions) {
    this.#username = digest(options.username);
    this.#password = digest(options.password);
    this.#staticToken = options.staticToken;
    this.#ttlMs = (options.ttlSeconds ?? 3600) * 1000;
    this.#maxTokens = options.maxTokens ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** A new token for the right credentials, undefined for wrong ones. */
  login(username: string, password: string): IssuedToken | undefined {
    // Compare digests in constant time and evaluate both, so timing reveals neither which part was wrong nor how much matched.
    const userOk = timingSafeEqual(digest(username), this.#username);
    const passwordOk = timingSafeEqual(digest(password), this.#password);
    if (!(userOk && passwordOk)) return undefined;
    if (this.#tokens.size >= this.#maxTokens) this.#evict();
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, this.#now() + this.#ttlMs);
    return { access_token: token, token_type: 'bearer', expires_in: this.#ttlMs / 1000 };
  }

  isValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    if (this.#staticToken !== undefined && token === this.#staticToken) return true;
    const expires = this.#tokens.get(token);
    if (expires === undefined) return false;
    if (expires > this.#now()) return true;
    this.#tokens.delete(token);
    return false;
  }

  get size(): number {
    return this.#tokens.size;
  }

  clear(): void {
    this.#tokens.clear();
  }

  #evict(): void {
    const now = this.#now();
    for (const [token, expires] of this.#tokens) if (expires <= now) this.#tokens.delete(token);
    // Still full of live tokens: the oldest go first.
    for (const token of this.#tokens.keys()) {
      if (this.#tokens.size < this.#maxTokens) break;
      this.#tokens.delete(token);
    }
  }
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 7235). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  return token === '' ? undefined : token;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
