import { checkOptions, checkPositiveInt } from './validate.js';

/** Options of {@link tokenizeMessage}. */
export interface TokenizeOptions {
  /** Keep at most this many tokens, the subject's first (default 400). */
  maxTokens?: number;
}

/** Tokens longer than this are dropped: they are almost always encoded junk, ids or hashes. */
export const MAX_TOKEN_LENGTH = 30;

const MIME_LINE = /^(?:content-[\w-]+|mime-version)\s*:.*$|^--\S*$/gim;
const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/gm;
const TOKEN = /[a-z0-9]+(?:'[a-z]+)*/g;

/**
 * Splits a raw e-mail into lowercase word tokens, crudely and deterministically: of the headers only
 * `Subject` is kept; in the body, quoted-printable is decoded when the message mentions it, MIME part
 * headers, boundary lines and base64 lines are dropped, HTML comments, style and script blocks, tags
 * and entities become spaces. A token is `[a-z0-9]+` with optional `'s`-style endings, at most
 * {@link MAX_TOKEN_LENGTH} characters; the first `maxTokens` are kept.
 *
 * @example
 * tokenizeMessage('Subject: Win CASH\n\n<b>Click</b> here!'); // ['win', 'cash', 'click', 'here']
 */
export function tokenizeMessage(text: string, options?: TokenizeOptions): string[] {
  const { maxTokens = 400 } = checkOptions('tokenizeMessage', options, ['maxTokens']);
  checkPositiveInt('tokenizeMessage', 'maxTokens', maxTokens);
  const normalized = text.replace(/\r\n?/g, '\n');
  const split = normalized.indexOf('\n\n');
  const head = split < 0 ? normalized : normalized.slice(0, split);
  const body = split < 0 ? '' : normalized.slice(split + 2);
  const tokens: string[] = [];
  for (const part of [subjectOf(head), cleanBody(body, /quoted-printable/i.test(normalized))]) {
    for (const [token] of part.toLowerCase().matchAll(TOKEN)) {
      if (token.length > MAX_TOKEN_LENGTH) continue;
      tokens.push(token);
      if (tokens.length === maxTokens) return tokens;
    }
  }
  return tokens;
}

/** The unfolded value of the first Subject header, or ''. */
function subjectOf(head: string): string {
  const match = /^subject:(.*(?:\n[ \t].*)*)/im.exec(head);
  return match ? match[1]!.replace(/\n[ \t]+/g, ' ') : '';
}

function cleanBody(body: string, quotedPrintable: boolean): string {
  // Whole lines go before decoding, which joins soft-broken lines and would glue them to their neighbours.
  let text = body.replace(MIME_LINE, ' ').replace(BASE64_LINE, ' ');
  if (quotedPrintable) text = decodeQuotedPrintable(text);
  text = text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ');
  return text.replace(/<[^>]*>/g, ' ').replace(/&(?:#\d+|#x[0-9a-f]+|[a-z]+);/gi, ' ');
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
