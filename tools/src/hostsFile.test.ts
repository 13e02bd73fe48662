import { describe, expect, it } from 'vitest';
import { parseHostsFile } from './hostsFile.js';

const parse = (doc: unknown) => parseHostsFile(JSON.stringify(doc), 'cluster.json');
const base = { dir: '/srv/oar', hosts: [{ address: '10.0.0.1', pservers: 1, trainers: 1 }] };

describe('parseHostsFile', () => {
  it('applies the defaults: ports from 7164, name = address, node, heartbeat, no GPUs', () => {
    const c = parse({ dir: '/srv/oar', hosts: [{ address: '10.0.0.1', pservers: 2, trainers: 1 }, { address: '10.0.0.2', trainers: 3 }] });
    expect(c.heartbeatSeconds).toBe(15);
    expect(c.hosts).toEqual([
      { name: '10.0.0.1', address: '10.0.0.1', pserverAddress: '10.0.0.1', ssh: {}, dir: '/srv/oar', node: 'node', pserverPorts: [7164, 7165], trainers: 1, env: {}, pserverArgs: [], trainerArgs: [] },
      { name: '10.0.0.2', address: '10.0.0.2', pserverAddress: '10.0.0.2', ssh: {}, dir: '/srv/oar', node: 'node', pserverPorts: [], trainers: 3, env: {}, pserverArgs: [], trainerArgs: [] },
    ]);
  });

  it('a host overrides the top level; ssh options and env are merged, extra flags appended', () => {
    const c = parse({
      dir: '/srv/oar', node: '/usr/bin/node', basePort: 9000, saveDir: 'runs/x', heartbeatSeconds: 5,
      pserverArgs: ['--checkpoint-dir', 'ckpt/{pserver}'], trainerArgs: ['--pserver-timeout', '120'],
      ssh: { user: 'oar', identity: '~/.ssh/oar', options: ['StrictHostKeyChecking=accept-new'] }, env: { A: '1', B: '2' },
      hosts: [{
        name: 'gpu-1', address: 'gpu1.example', pserverAddress: '192.168.0.7', dir: 'oar', pserverPorts: [7000, 7010], trainers: 2,
        gpus: [0, 1], ssh: { port: 2222 }, env: { B: 'b' }, saveDir: '/data/run', trainerArgs: ['--task-size', '100'],
      }, { address: 'cpu1', basePort: 8000, pservers: 1 }],
    });
    expect(c.heartbeatSeconds).toBe(5);
    expect(c.hosts[0]).toEqual({
      name: 'gpu-1', address: 'gpu1.example', pserverAddress: '192.168.0.7', dir: 'oar', node: '/usr/bin/node', pserverPorts: [7000, 7010], trainers: 2,
      gpus: ['0', '1'], ssh: { user: 'oar', identity: '~/.ssh/oar', options: ['StrictHostKeyChecking=accept-new'], port: 2222 },
      env: { A: '1', B: 'b' }, saveDir: '/data/run',
      pserverArgs: ['--checkpoint-dir', 'ckpt/{pserver}'], trainerArgs: ['--pserver-timeout', '120', '--task-size', '100'],
    });
    expect(c.hosts[1]).toMatchObject({ pserverPorts: [8000], trainers: 0, saveDir: 'runs/x', dir: '/srv/oar' });
  });

  const mistakes: [string, unknown, RegExp][] = [
    ['not JSON', '{hosts:', /--hosts cluster\.json: not valid JSON/],
    ['no hosts', { dir: '/x', hosts: [] }, /hosts must be a non-empty array of hosts, got \[\]/],
    ['a misspelt field', { ...base, hosts: [{ address: 'a', pservers: 1, trainer: 1 }] }, /hosts\[0\] has an unknown field "trainer"; known: name, address, .*trainers/],
    ['a misspelt top-level field', { ...base, heartbeat: 3 }, /the file has an unknown field "heartbeat"; known: hosts, heartbeatSeconds/],
    ['no dir', { hosts: base.hosts }, /hosts\[0\]\.dir \(the Oar checkout on that host\) is required, on the host or at the top level/],
    ['no address', { dir: '/x', hosts: [{ pservers: 1, trainers: 1 }] }, /hosts\[0\]\.address must be a non-empty string, got nothing/],
    ['a negative count', { dir: '/x', hosts: [{ address: 'a', pservers: 1, trainers: -1 }] }, /hosts\[0\]\.trainers must be a non-negative integer, got -1/],
    ['a bad port', { dir: '/x', hosts: [{ address: 'a', pserverPorts: [70000], trainers: 1 }] }, /hosts\[0\]\.pserverPorts\[0\] must be a port 1\.\.65535, got 70000/],
    ['ports that disagree with pservers', { dir: '/x', hosts: [{ address: 'a', pservers: 2, pserverPorts: [1], trainers: 1 }] }, /hosts\[0\]\.pserverPorts has 1 port\(s\) but hosts\[0\]\.pservers is 2/],
    ['one endpoint twice', { dir: '/x', hosts: [{ name: 'a', address: 'h', pservers: 1, trainers: 1 }, { name: 'b', address: 'h', pservers: 1 }] }, /hosts\[1\]\.pserverPorts\[0\]: h:7164 is already the endpoint of a pserver of hosts\[0\]/],
    ['one name twice', { dir: '/x', hosts: [{ address: 'h', pservers: 1 }, { address: 'h', trainers: 1, pserverPorts: [] }] }, /hosts\[1\] and hosts\[0\] are both named "h"; give each host a distinct "name"/],
    ['a name that is not a folder name', { dir: '/x', hosts: [{ name: 'a b', address: 'h', pservers: 1, trainers: 1 }] }, /hosts\[0\]\.name must be letters, digits/],
    ['no pserver', { dir: '/x', hosts: [{ address: 'a', trainers: 1 }] }, /no host runs a pserver; give at least one host "pservers": 1/],
    ['no trainer', { dir: '/x', hosts: [{ address: 'a', pservers: 1 }] }, /no host runs a trainer; give at least one host "trainers": 1/],
    ['bad GPUs', { dir: '/x', hosts: [{ address: 'a', pservers: 1, trainers: 1, gpus: '0,1' }] }, /hosts\[0\]\.gpus must be a non-empty array of GPU ids like \[0, 1\], got "0,1"/],
    ['an ssh option without a value', { ...base, ssh: { options: ['-v'] } }, /ssh\.options must be an array of ssh -o options like "StrictHostKeyChecking=accept-new", got \["-v"\]/],
    ['an ssh port as a string', { ...base, hosts: [{ ...base.hosts[0], ssh: { port: '22' } }] }, /hosts\[0\]\.ssh\.port must be a port 1\.\.65535, got "22"/],
    ['an env value that is a number', { ...base, env: { OMP_NUM_THREADS: 4 } }, /env: each entry must be NAME: "value" with a shell variable name, got "OMP_NUM_THREADS": 4/],
    ['flags as one string', { ...base, pserverArgs: '--trainer-timeout 30' }, /pserverArgs must be an array of strings \(flags and their values\), got "--trainer-timeout 30"/],
    ['a zero heartbeat', { ...base, heartbeatSeconds: 0 }, /heartbeatSeconds must be a positive number of seconds, got 0/],
  ];
  for (const [what, doc, message] of mistakes) {
    it(`refuses ${what}`, () => {
      expect(() => (typeof doc === 'string' ? parseHostsFile(doc, 'cluster.json') : parse(doc))).toThrow(message);
    });
  }
});
