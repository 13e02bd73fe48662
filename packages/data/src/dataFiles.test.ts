import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { dataHome, datasetFile, md5File } from './dataFiles.js';
import { ConfigError, DataError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());
const published = { name: 'thing.tgz', url: 'https://example.org/thing.tgz', md5: '5d41402abc4b2a76b9719d911017c592' };

describe('dataHome', () => {
  it('is $OAR_DATA_HOME/name, else ~/.cache/oar/dataset/name', () => {
    vi.stubEnv('OAR_DATA_HOME', '/srv/data');
    expect(dataHome('cifar')).toBe('/srv/data/cifar');
    vi.stubEnv('OAR_DATA_HOME', '');
    expect(dataHome('cifar')).toBe(join(homedir(), '.cache', 'oar', 'dataset', 'cifar'));
    expect(dataHome()).toBe(join(homedir(), '.cache', 'oar', 'dataset'));
  });
});

describe('md5File and datasetFile', () => {
  it('computes the MD5 of a file', async () => {
    writeFileSync(join(dir, 'hello'), 'hello');
    expect(await md5File(join(dir, 'hello'))).toBe('5d41402abc4b2a76b9719d911017c592');
  });

  it('finds the published name under dataHome and checks its MD5', async () => {
    vi.stubEnv('OAR_DATA_HOME', dir);
    mkdirSync(join(dir, 'thing'));
    writeFileSync(join(dir, 'thing', 'thing.tgz'), 'hello');
    expect(await datasetFile('thing.train', 'thing', published, {})()).toBe(join(dir, 'thing', 'thing.tgz'));
    writeFileSync(join(dir, 'thing', 'thing.tgz'), 'hellO');
    await expect(datasetFile('thing.train', 'thing', published, {})()).rejects.toThrow(
      /thing\.train: .*thing\.tgz has md5 [0-9a-f]{32}, expected 5d41402abc4b2a76b9719d911017c592 \(an incomplete or different download; fetch it again, or pass \{ md5: false \} to skip the check\)/,
    );
    expect(await datasetFile('thing.train', 'thing', published, { md5: false })()).toMatch(/thing\.tgz$/);
  });

  it('says where to get a missing file and where to put it', async () => {
    vi.stubEnv('OAR_DATA_HOME', join(dir, 'empty'));
    const missing = datasetFile('thing.train', 'thing', published, {});
    await expect(missing()).rejects.toThrow(DataError);
    await expect(missing()).rejects.toThrow(
      /thing\.train: missing file .*empty\/thing\/thing\.tgz; download https:\/\/example\.org\/thing\.tgz \(md5 5d41402abc4b2a76b9719d911017c592\) into that folder \(or set OAR_DATA_HOME\), or pass \{ file \}/,
    );
    await expect(datasetFile('thing.train', 'thing', published, { file: join(dir, 'nope.tgz') })()).rejects.toThrow(
      /thing\.train: missing file .*nope\.tgz; download https:\/\/example\.org\/thing\.tgz \(md5 [0-9a-f]+\)$/,
    );
  });

  it('validates file and md5', () => {
    expect(() => datasetFile('t', 'thing', published, { file: '' })).toThrow(ConfigError);
    expect(() => datasetFile('t', 'thing', published, { file: '' })).toThrow(/t: file must be a non-empty string, got ""/);
    expect(() => datasetFile('t', 'thing', published, { md5: 'abc' })).toThrow(/t: md5 must be 32 hex digits or false, got "abc"/);
  });
});
