import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { tokenizeMessage } from './tokenizeMessage.js';

const message = [
  'From someone@example.com  Thu Aug 22 13:17:22 2002',
  'Received: from mail.example.com by relay',
  'Subject: Win CASH',
  '   now!!',
  'X-Mailer: SpamBot 3000',
  '',
  'Hello FRIEND, you\'ve won.',
  '<html><head><style>p { color: red }</style></head><body><p>Click&nbsp;<a href="http://x.example/">here</a></p>',
  '<!-- hidden words --></body></html>',
].join('\r\n');

describe('tokenizeMessage', () => {
  it('keeps the (unfolded) subject and the body, lowercased, without headers or markup', () => {
    expect(tokenizeMessage(message)).toEqual(['win', 'cash', 'now', 'hello', 'friend', "you've", 'won', 'click', 'here']);
  });

  it('decodes quoted-printable and drops MIME part headers, boundaries and base64 lines', () => {
    const text = [
      'Subject: offer',
      'Content-Type: multipart/alternative; boundary="XYZ"',
      '',
      '--XYZ',
      'Content-Type: text/plain; charset="iso-8859-1"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Best pri=',
      'ce =3D low',
      '--XYZ',
      'Content-Transfer-Encoding: base64',
      '',
      'SGVsbG8gd29ybGQsIHRoaXMgaXMgYmFzZTY0IGVuY29kZWQgdGV4dCBmb3IgdGVzdHM=',
      '--XYZ--',
    ].join('\n');
    expect(tokenizeMessage(text)).toEqual(['offer', 'best', 'price', 'low']);
  });

  it('caps the number of tokens, the subject first, and drops over-long tokens', () => {
    const text = `Subject: one two\n\nthree ${'x'.repeat(31)} ${'y'.repeat(30)} four five`;
    expect(tokenizeMessage(text, { maxTokens: 4 })).toEqual(['one', 'two', 'three', 'y'.repeat(30)]);
    expect(tokenizeMessage('no blank line, all header')).toEqual([]);
  });

  it('validates maxTokens', () => {
    expect(() => tokenizeMessage('x', { maxTokens: 0 })).toThrow(ConfigError);
    expect(() => tokenizeMessage('x', { maxTokens: 0 })).toThrow(/tokenizeMessage: maxTokens must be a positive integer, got 0/);
  });
});
