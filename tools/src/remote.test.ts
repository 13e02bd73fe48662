import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseHostsFile } from './hostsFile.js';
import { planHosts, remoteSaveDir, shellQuote, sshArgs } from './remote.js';

const cluster = parseHostsFile(JSON.stringify({
  dir: '/srv/oar', ssh: { user: 'oar', options: ['UserKnownHostsFile=/k', 'ServerAliveInterval=60'] },
  pserverArgs: ['--checkpoint-dir', '/ckpt/{host}/pserver-{pserver}'], trainerArgs: ['--note={trainer}@{host}', '{pserver}'],
  hosts: [
    { name: 'a', address: 'h1', pservers: 2, trainers: 1, gpus: [3], env: { X: 'y z' } },
    { name: 'b', address: 'h2', pserverAddress: '10.1.0.2', pserverPorts: [9000], trainers: 3, gpus: [0, 1], ssh: { port: 2222, identity: '/id' }, saveDir: '/data/b' },
  ],
}), 'c.json');

describe('planHosts', () => {
  it('numbers pservers and trainers in file order, deals GPUs per host, and keeps pservers off the GPUs', () => {
    const plan = planHosts(cluster, 'runs/spam');
    expect(plan.endpoints).toEqual(['tcp://h1:7164', 'tcp://h1:7165', 'tcp://10.1.0.2:9000']);
    expect(plan.pservers.map((p) => [p.label, p.port, p.env.CUDA_VISIBLE_DEVICES])).toEqual([['pserver 0@a', 7164, ''], ['pserver 1@a', 7165, ''], ['pserver 2@b', 9000, '']]);
    expect(plan.trainers.map((t) => [t.label, t.env.CUDA_VISIBLE_DEVICES, t.saveDir])).toEqual([
      ['trainer 0@a', '3', 'runs/spam/a'], ['trainer 1@b', '0', '/data/b'], ['trainer 2@b', '1', '/data/b'], ['trainer 3@b', '0', '/data/b'],
    ]);
    expect(plan.trainers[0]!.env.X).toBe('y z');
    expect(plan.pservers.map((p) => p.args[1])).toEqual(['/ckpt/a/pserver-0', '/ckpt/a/pserver-1', '/ckpt/b/pserver-2']);
    expect(plan.trainers[3]!.args).toEqual(['--note=3@b', '{pserver}']);
    expect(remoteSaveDir(plan.trainers[0]!)).toBe('/srv/oar/runs/spam/a');
    expect(remoteSaveDir(plan.trainers[1]!)).toBe('/data/b');
  });
});

describe('shellQuote', () => {
  it('gives sh the very arguments back', () => {
    const args = ['plain', 'with space', "it's", '$HOME', '`date`', 'a"b', '', '--flag=x;y', 'tab\there', '*'];
    const r = spawnSync('sh', ['-c', `printf '%s\\n' ${args.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
    expect(r.stdout).toBe(args.map((a) => `${a}\n`).join(''));
  });
});

describe('sshArgs', () => {
  it('puts the cluster file\'s options first (ssh keeps the first value), then its keepalive, then the guarded command', () => {
    const plan = planHosts(cluster, 'runs/spam');
    const args = sshArgs(plan.trainers[1]!, ['worker', '--trainer-id', '1'], 15, { file: '/data/b/metrics.jsonl', trainer: 1 });
    expect(args.slice(0, -2)).toEqual([
      '-T', '-o', 'UserKnownHostsFile=/k', '-o', 'ServerAliveInterval=60', '-l', 'oar', '-p', '2222', '-i', '/id', '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=20', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3',
    ]);
    expect(args.at(-2)).toBe('h2');
    expect(args.at(-1)).toBe('cd /srv/oar && exec node --conditions=@oar/source --import tsx tools/src/remoteGuard.ts --heartbeat 15 '
      + '--env CUDA_VISIBLE_DEVICES=0 --metrics /data/b/metrics.jsonl --trainer 1 -- worker --trainer-id 1');
    const pserver = sshArgs(plan.pservers[0]!, ['pserver'], 15);
    expect(pserver.at(-1)).toContain("--env 'X=y z' --env CUDA_VISIBLE_DEVICES= -- pserver");
  });
});
