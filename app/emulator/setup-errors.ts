/**
 * Mistakes in how the emulator itself is set up from code (options, tokens asked of the
 * directory, fault rules) are VALIDATION errors with a sentence, unlike mistakes on the
 * wire, which are MPSD answers (`MpsdRefusal`).
 */
import { HandleStudioError } from '../shared/errors.ts';

/** Throws HandleStudioError VALIDATION with `message`. */
export function invalidSetup(message: string): never {
  throw new HandleStudioError('VALIDATION', message);
}
