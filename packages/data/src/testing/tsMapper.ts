// A TypeScript mapper for xmapReaders' workers, importing another TypeScript module of the package.
import { tokenizeMessage } from '../tokenizeMessage.js';

/** The tokens of a message, typed. */
export function tokens(text: string): string[] {
  return tokenizeMessage(text);
}
