// @oar/data: readers in the style of paddle.reader, and datasets that read real files.
export { ConfigError, DataError } from './errors.js';
export { toArray, type Reader, type SampleOf } from './reader.js';
export { createRng, type Rng } from './createRng.js';
export { fnv1a32 } from './fnv1a32.js';
export { shuffle, type ShuffleOptions } from './shuffle.js';
export { batch, type BatchOptions } from './batch.js';
export { buffered } from './buffered.js';
export { compose, type ComposeOptions } from './compose.js';
export { chain } from './chain.js';
export { mapReaders } from './mapReaders.js';
export { xmapReaders, type Mapper, type XmapOptions } from './xmapReaders.js';
export { firstn } from './firstn.js';
export { timedReader, type TimedReader } from './timedReader.js';
export {
  convertToChunkFile,
  createChunkFileWriter,
  type ChunkFileInfo,
  type ChunkFileOptions,
  type ChunkFileWriter,
} from './chunkFileWriter.js';
export { chunkFileReader, openChunkFile, type ChunkFile, type ChunkFileReaderOptions } from './chunkFileReader.js';
export { chunks, shard, taskReader, type Chunk, type ChunkSelection, type ShardOptions } from './shard.js';
export { parseIdx, readIdx, type Idx, type IdxData } from './readIdx.js';
export { fashionMnist, mnist, type ImageSample, type MnistDataset, type MnistOptions } from './mnist.js';
export { dataHome, md5File, type FileOptions } from './dataFiles.js';
export { cifar, type Cifar100Options, type CifarOptions } from './cifar.js';
export { uciHousing, type HousingSample, type UciHousingOptions } from './uciHousing.js';
export { wmt14, type Wmt14Dicts, type Wmt14Options, type Wmt14Sample } from './wmt14.js';
export { movielens, type MovielensMeta, type MovielensOptions, type MovielensSample } from './movielens.js';
export { conll05, type Conll05Dicts, type Conll05Options, type Conll05Sample } from './conll05.js';
export { buildDict, lookupIds, type BuildDictOptions } from './buildDict.js';
export { imdb, type ImdbOptions, type ImdbReaderOptions } from './imdb.js';
export { MAX_TOKEN_LENGTH, tokenizeMessage, type TokenizeOptions } from './tokenizeMessage.js';
export {
  spamAssassin,
  type SpamCorpusOptions,
  type SpamDictOptions,
  type SpamIdOptions,
  type SpamMessage,
  type SpamTokenOptions,
} from './spamAssassin.js';
export {
  cmudict,
  G2P_RESERVED,
  type CmuEntry,
  type CmuParseOptions,
  type CmuReaderOptions,
  type G2pSample,
} from './cmudict.js';
