import { readFileSync, writeFileSync } from 'node:fs';
import * as zmq from 'zeromq';
import { ConfigError, show } from '../errors.js';

/** A CURVE key pair as Z85 text (40 characters each), as `zmq.curveKeyPair()` makes them. */
export interface CurveKeyPair {
  publicKey: string;
  secretKey: string;
}

/**
 * CURVE settings of a pserver: its key pair, and the public keys of the trainers allowed to connect (checked
 * by a ZAP handler; a client whose key is not listed is refused during the handshake, before any message).
 */
export interface CurveServerOptions extends CurveKeyPair {
  authorizedKeys: readonly string[];
}

/** CURVE settings of a trainer: its own key pair and the pservers' public key. */
export interface CurveClientOptions extends CurveKeyPair {
  serverKey: string;
}

const Z85 = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/** True for a 32-byte key written in Z85 (40 characters of ZeroMQ's Z85 alphabet). */
export function isZ85Key(text: unknown): text is string {
  return typeof text === 'string' && Z85.test(text);
}

/**
 * Writes a new key pair as `PREFIX.key` (both keys, mode 0600: keep it secret) and `PREFIX.pub` (the public key,
 * to hand out), in ZeroMQ's certificate text format (czmq's zcert). Returns the pair.
 * @example
 * const { publicKey } = writeKeyPair('keys/pserver'); // keys/pserver.key, keys/pserver.pub
 */
export function writeKeyPair(prefix: string): CurveKeyPair & { files: [string, string] } {
  const pair = zmq.curveKeyPair();
  const stamp = `#   Made by oar keygen on ${new Date().toISOString()}\n`;
  const secret = `${prefix}.key`;
  const pub = `${prefix}.pub`;
  writeFileSync(secret, `#   ZeroMQ CURVE **Secret** Certificate\n#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n${stamp}\ncurve\n    public-key = "${pair.publicKey}"\n    secret-key = "${pair.secretKey}"\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(pub, `#   ZeroMQ CURVE Public Certificate\n#   Exchange securely, or use a secure mechanism to verify the contents\n#   of this file after exchange. Store public certificates in your home\n#   directory, in the .curve subdirectory.\n${stamp}\ncurve\n    public-key = "${pair.publicKey}"\n`, { flag: 'wx' });
  return { ...pair, files: [secret, pub] };
}

/** Reads a `PREFIX.key` file (a certificate with both keys). */
export function readKeyPair(path: string): CurveKeyPair {
  const text = readText(path, 'key file');
  const publicKey = field(text, 'public-key');
  const secretKey = field(text, 'secret-key');
  if (!isZ85Key(publicKey) || !isZ85Key(secretKey)) {
    throw new ConfigError(`${path}: expected a key pair made by oar keygen (public-key = "..." and secret-key = "...", 40 Z85 characters each)`);
  }
  return { publicKey, secretKey };
}

/** Reads a public key: a `PREFIX.pub` certificate, a `.key` file (its public half) or a file holding just the key. */
export function readPublicKey(path: string): string {
  const text = readText(path, 'public key file');
  const key = field(text, 'public-key') ?? text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  if (!isZ85Key(key)) throw new ConfigError(`${path}: expected a public key (public-key = "..." or a line of 40 Z85 characters), got ${show(key)}`);
  return key;
}

/**
 * Reads an allow list: one public key per line (40 Z85 characters, or a certificate's `public-key = "..."`
 * line), blank lines and `#` comments ignored. Several .pub files concatenated make a valid list.
 */
export function readAuthorizedKeys(path: string): string[] {
  const keys: string[] = [];
  readText(path, 'authorized keys file').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line === 'curve' || line === 'metadata') return;
    const key = /^public-key\s*=\s*"(.*)"$/.exec(line)?.[1] ?? line;
    if (/^secret-key/.test(line)) throw new ConfigError(`${path}:${i + 1}: an allow list holds public keys only; this line is a secret key`);
    if (!isZ85Key(key)) throw new ConfigError(`${path}:${i + 1}: expected a public key (40 Z85 characters), got ${show(line)}`);
    keys.push(key);
  });
  if (keys.length === 0) throw new ConfigError(`${path}: no public keys; list the trainers' .pub keys, one per line`);
  return keys;
}

/**
 * A minimal ZAP handler (ZeroMQ RFC 27) for one context: answers the CURVE handshakes of the context's server
 * sockets, admitting a client only if its public key is in the allow list. zeromq.js has no handler of its
 * own, and without one CURVE admits any client that knows the server's public key.
 */
export class ZapHandler {
  readonly #socket: zmq.Router;
  readonly #allowed: Set<string>;
  readonly done: Promise<void>;

  private constructor(socket: zmq.Router, allowed: readonly string[], private readonly log: (line: string) => void) {
    this.#socket = socket;
    this.#allowed = new Set(allowed);
    this.done = this.#serve();
  }

  /** Binds the context's `inproc://zeromq.zap.01`; must run before the server socket binds. */
  static async start(context: zmq.Context, allowed: readonly string[], log: (line: string) => void): Promise<ZapHandler> {
    const socket = new zmq.Router({ context, linger: 0 });
    await socket.bind('inproc://zeromq.zap.01');
    return new ZapHandler(socket, allowed, log);
  }

  close(): void {
    this.#socket.close();
  }

  async #serve(): Promise<void> {
    try {
      for await (const [routing, empty, version, requestId, , address, , mechanism, key] of this.#socket) {
        const [code, text, user] = this.#decide(version, mechanism, key, address);
        await this.#socket.send([routing!, empty ?? Buffer.alloc(0), '1.0', requestId ?? Buffer.alloc(0), code, text, user, Buffer.alloc(0)]);
      }
    } catch (e) {
      if (!this.#socket.closed) this.log(`pserver: ZAP handler stopped: ${(e as Error).message}`);
    }
  }

  #decide(version: Buffer | undefined, mechanism: Buffer | undefined, key: Buffer | undefined, address: Buffer | undefined): [string, string, string] {
    const from = address?.toString() || 'unknown address';
    if (version?.toString() !== '1.0') return ['500', 'ZAP version 1.0 expected', ''];
    if (mechanism?.toString() !== 'CURVE' || !key || key.length !== 32) {
      this.log(`pserver: refused a connection from ${from}: it does not use CURVE`);
      return ['400', 'CURVE required', ''];
    }
    const z85 = z85Encode(key);
    if (!this.#allowed.has(z85)) {
      this.log(`pserver: refused a connection from ${from}: its CURVE key ${z85} is not in the authorised keys`);
      return ['400', 'key not authorised', ''];
    }
    return ['200', 'OK', z85];
  }
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Z85 (ZeroMQ RFC 32) of bytes whose length is a multiple of 4. */
export function z85Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    const chunk: string[] = [];
    for (let k = 0; k < 5; k++) {
      chunk.unshift(ALPHABET[value % 85]!);
      value = Math.floor(value / 85);
    }
    out += chunk.join('');
  }
  return out;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the ${what} ${show(path)}: ${(e as Error).message}`);
  }
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"\\s*$`, 'm').exec(text)?.[1];
}
