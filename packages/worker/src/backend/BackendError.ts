/**
 * A compute backend could not be loaded, configured or used: a forced backend that fails to load, a bad
 * option, a kernel given inputs it does not support.
 *
 * @example
 * try { await initBackend({ backend: 'tensorflow-gpu' }); } catch (e) { if (e instanceof BackendError) ... }
 */
export class BackendError extends Error {
  override name = 'BackendError';
}
