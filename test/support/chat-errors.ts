/**
 * The ChatError a synchronous domain call throws, for tests that assert its code and details; any
 * other error is rethrown, and no error at all fails the test.
 */
import { ChatError } from '#domain/errors.ts';

export function thrownBy(act: () => unknown): ChatError {
  try {
    act();
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a ChatError');
}
