/**
 * The 32-bit FNV-1a hash of a string's UTF-8 bytes, as an unsigned integer. The dataset splits use it
 * so that a held-out set is the same on every machine and does not depend on file order.
 *
 * @example
 * fnv1a32('HELLO') % 100 < 10; // true when cmudict puts HELLO in the test split (testPercent 10)
 */
export function fnv1a32(text: string): number {
  const bytes = new TextEncoder().encode(text);
  let h = 0x811c9dc5;
  for (const byte of bytes) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}
