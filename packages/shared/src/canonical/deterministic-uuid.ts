import { createHash } from 'node:crypto';

/**
 * A name-based UUID from SHA-256 (RFC 9562 §5.8, version 8, as its Appendix B.2 shows): the same parts
 * always give the same id, so a redelivered message builds the same set, bundle entries and resources.
 */
export function deterministicUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('/')).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
