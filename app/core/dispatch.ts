/**
 * The one place where a call from the renderer meets core: look the channel up, parse the
 * input with its schema (so no service ever sees unchecked input), run the handler, parse
 * the output (which strips any key the schema does not name, so nothing extra leaks), and
 * turn any failure into an `AppError` value. Electron main and the browser-mode host both
 * call this; they differ only in transport and in how they check the caller.
 */
import type { ChannelMap, HandlersFor } from '../shared/contract/define.ts';
import { toAppError, type AppError, type Result } from '../shared/errors.ts';
import { validationError } from '../shared/validation.ts';

export type Dispatch = (channelName: string, rawInput: unknown) => Promise<Result<unknown>>;

export function createDispatcher<C extends ChannelMap>(channels: C, handlers: HandlersFor<C>): Dispatch {
  return async (channelName, rawInput) => {
    if (!Object.hasOwn(channels, channelName)) {
      return failure({ code: 'VALIDATION', message: `There is no channel "${channelName.slice(0, 80)}".` });
    }
    const name = channelName as keyof C & string;
    const spec = channels[name]!;
    const input = spec.input.safeParse(rawInput);
    if (!input.success) return failure(validationError(input.error).toAppError());

    let produced: unknown;
    try {
      // The schema just produced this value, so it is the handler's input type.
      produced = await handlers[name](input.data as Parameters<HandlersFor<C>[typeof name]>[0]);
    } catch (thrown) {
      return failure(toAppError(thrown));
    }
    const output = spec.output.safeParse(produced);
    if (!output.success) {
      // A bug on our side, not the user's: say so without echoing the value (it could hold anything).
      return failure({ code: 'INTERNAL', message: `The answer to "${name}" did not match its contract.` });
    }
    return { ok: true, value: output.data };
  };
}

function failure(error: AppError): Result<never> {
  return { ok: false, error };
}
