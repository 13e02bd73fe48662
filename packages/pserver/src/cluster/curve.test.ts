import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { ParameterClient } from './ParameterClient.js';
import { ParameterServer } from './ParameterServer.js';
import { isZ85Key, readAuthorizedKeys, readKeyPair, readPublicKey, writeKeyPair, z85Encode } from './curve.js';
import { encodeRequestHeader } from './protocol.js';
import { planShards } from './shardPlan.js';

const work = mkdtempSync(join(tmpdir(), 'oar-curve-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

describe('CURVE keys', () => {
  it('Z85 as ZeroMQ RFC 32 defines it', () => {
    expect(z85Encode(Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]))).toBe('HelloWorld');
    expect(isZ85Key(zmq.curveKeyPair().publicKey)).toBe(true);
    expect(isZ85Key('short')).toBe(false);
  });

  it('keygen files: a secret .key (mode 0600) and a .pub; an allow list of .pub files concatenated', () => {
    const a = writeKeyPair(join(work, 'a'));
    const b = writeKeyPair(join(work, 'b'));
    expect(statSync(join(work, 'a.key')).mode & 0o777).toBe(0o600);
    expect(readKeyPair(join(work, 'a.key'))).toEqual({ publicKey: a.publicKey, secretKey: a.secretKey });
    expect(readPublicKey(join(work, 'a.pub'))).toBe(a.publicKey);
    expect(readFileSync(join(work, 'a.pub'), 'utf8')).not.toContain(a.secretKey);
    writeFileSync(join(work, 'allow'), `${readFileSync(join(work, 'a.pub'), 'utf8')}\n# trainer b\n${b.publicKey}\n`);
    expect(readAuthorizedKeys(join(work, 'allow'))).toEqual([a.publicKey, b.publicKey]);
    expect(() => writeKeyPair(join(work, 'a'))).toThrow(/EEXIST/);
    writeFileSync(join(work, 'bad-allow'), `${readFileSync(join(work, 'a.key'), 'utf8')}`);
    expect(() => readAuthorizedKeys(join(work, 'bad-allow'))).toThrow(/bad-allow:\d+: an allow list holds public keys only/);
    expect(() => readKeyPair(join(work, 'a.pub'))).toThrow(/expected a key pair made by oar keygen/);
    expect(() => readKeyPair(join(work, 'missing.key'))).toThrow(/cannot read the key file/);
  });
});

describe('a CURVE pserver', () => {
  it('serves a trainer with an authorised key; refuses an unlisted key and a plain client before any message', async () => {
    const server = zmq.curveKeyPair();
    const trainer = zmq.curveKeyPair();
    const stranger = zmq.curveKeyPair();
    const lines: string[] = [];
    const ps = await ParameterServer.listen('tcp://127.0.0.1:0', {
      numTrainers: 1, log: (l) => lines.push(l), curve: { ...server, authorizedKeys: [trainer.publicKey] },
    });
    opened.push(ps);
    const specs = [{ name: 'w', size: 8 }];
    const good = ParameterClient.connect({ endpoints: [ps.endpoint], trainerId: 0, numTrainers: 1, connectTimeoutMs: 5000, curve: { ...trainer, serverKey: server.publicKey } });
    opened.push(good);
    good.usePlan(planShards(specs, 1));
    await good.hello('m');
    await good.init('m', { type: 'sgd', learningRate: 1 }, () => Float32Array.from({ length: 8 }, (_, i) => i));

    // A client whose key is not listed, and one without CURVE: no message of theirs reaches the pserver.
    const intruders = [
      new zmq.Dealer({ linger: 0, receiveTimeout: 1500, curveServerKey: server.publicKey, curvePublicKey: stranger.publicKey, curveSecretKey: stranger.secretKey }),
      new zmq.Dealer({ linger: 0, receiveTimeout: 1500 }),
    ];
    for (const raw of intruders) {
      opened.push(raw);
      raw.connect(ps.endpoint);
      const push = [Buffer.from(new Float32Array(8).fill(100).buffer)];
      await raw.send([encodeRequestHeader({ v: 2, id: 1, op: 'push', trainer: 0, step: 0, pass: 0, samples: 1, version: 0, tables: [], session: 'x', seq: 1, task: -1 }, push), ...push]);
      await raw.send([encodeRequestHeader({ v: 2, id: 2, op: 'pull', trainer: 0, minStep: 0, dense: true, tables: [] }, [])]);
      await expect(raw.receive()).rejects.toThrow(/timed out|Socket temporarily unavailable/);
    }
    expect(lines.join('\n')).toMatch(new RegExp(`refused a connection from .*: its CURVE key ${stranger.publicKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not in the authorised keys`));
    const got = new Float32Array(8);
    await good.pull({ minStep: 0, dense: new Map([['w', got]]) });
    expect([...got]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(ps.stats()).toMatchObject({ pushes: 0, errors: 0 });
  });
});
