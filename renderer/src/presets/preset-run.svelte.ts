/**
 * Sending a preset: its steps one after another (join, set activity, invite), each a SendRun
 * so progress and answers show as they come. A step that fails stops the ones after it:
 * inviting people into a session you could not join would send them nowhere. Offline or
 * without a token, every step waits in the outbox instead, in order (the outbox sends oldest
 * first, one at a time, so the join still goes out before the invites).
 */
import type { Preset } from '../../../app/shared/presets/preset.ts';
import { SendRun } from '../compose/send-run.svelte.ts';
import type { PresetStep } from './preset-requests.ts';

export interface RunningStep {
  label: string;
  run: SendRun;
}

export class PresetRun {
  preset = $state<Preset | undefined>(undefined);
  steps = $state<RunningStep[]>([]);
  running = $state(false);
  /** Set when a step failed and the rest were not attempted. */
  stoppedAfter = $state<string | undefined>(undefined);

  async start(preset: Preset, steps: PresetStep[], profileId: string | undefined): Promise<void> {
    if (this.running) return;
    this.preset = preset;
    this.stoppedAfter = undefined;
    this.steps = steps.map((step) => ({ label: step.label, run: new SendRun() }));
    this.running = true;
    try {
      for (const [index, step] of steps.entries()) {
        const { run } = this.steps[index]!;
        await run.send({
          request: step.request,
          ...(step.recipientLabels ? { recipientLabels: step.recipientLabels } : {}),
          ...(profileId === undefined ? {} : { profileId }),
          queueIfUnavailable: true,
        });
        const queued = run.result?.outcome === 'queued';
        const failed =
          !queued &&
          (run.failure !== undefined ||
            run.result?.outcome !== 'completed' ||
            run.result.exchanges.some((exchange) => exchange.error !== undefined));
        if (failed && index < steps.length - 1) {
          this.stoppedAfter = step.label;
          break;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Cancels the step that is running (an invite fan-out stops at the next invitee). */
  async cancel(): Promise<void> {
    await this.steps.find((step) => step.run.running)?.run.cancel();
  }

  close(): void {
    if (this.running) return;
    this.preset = undefined;
    this.steps = [];
  }
}
