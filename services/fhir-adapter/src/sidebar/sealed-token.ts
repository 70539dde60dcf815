import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Small encrypted, authenticated, expiring tokens (AES-256-GCM) for the sidebar's launch state and
 * sessions: any replica with the same secret can open them, so neither needs a shared store, and their
 * content (the PKCE verifier, the patient pseudonym) is unreadable to the browser and the EHR.
 */
export interface TokenSealer {
  seal(value: object, ttlMs: number): string;
  /** The sealed value, or undefined when the token was altered, sealed with another key or expired. */
  open<T>(token: string): T | undefined;
}

export function createTokenSealer(secret: string, purpose: string): TokenSealer {
  // One key per purpose: a launch state can never be replayed as a session.
  const key = createHmac('sha256', secret).update(`aloe-sidebar:${purpose}`).digest();
  return {
    seal(value, ttlMs) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([
        cipher.update(JSON.stringify({ value, expiresAt: Date.now() + ttlMs }), 'utf8'),
        cipher.final(),
      ]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open<T>(token: string): T | undefined {
      try {
        const bytes = Buffer.from(token, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
        decipher.setAuthTag(bytes.subarray(12, 28));
        const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
        const { value, expiresAt } = JSON.parse(text) as { value: T; expiresAt: number };
        return expiresAt >= Date.now() ? value : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
