/**
 * What the wizard's state amounts to: the session and machine chosen, the request a plan or a start sends, whether
 * the shown plan still matches the choices, and whether each step may be left (with the reason when not). Pure
 * functions of the state, so the rules are tested without a screen and the components hold none.
 */
import type { RestoreChoices, RestoreSessionEntry, RestoreTarget } from '@contract';
import type { RestoreWizardState } from './restore-state';
import {
  type Checked,
  checkTargetFolder,
  checkUuid,
  hostnameMatches,
  isAbsolutePath,
  type WizardStep,
} from './restore-text';

type State = RestoreWizardState;

export function selectedSession(state: Pick<State, 'sessions' | 'snapshotId'>): RestoreSessionEntry | null {
  if (state.sessions.status !== 'ready' || state.snapshotId === null) return null;
  return state.sessions.value.find((s) => s.snapshotId === state.snapshotId) ?? null;
}

/** This machine's hostname, as the helper reported it with the compatibility report. */
export function thisHostname(state: Pick<State, 'compatibility'>): string | null {
  return state.compatibility.status === 'ready' ? state.compatibility.value.thisHostname : null;
}

/** Why "Apply to this system" cannot be chosen, or null when it can. */
export function systemTargetBlocked(state: Pick<State, 'compatibility'>): string | null {
  if (state.compatibility.status !== 'ready') return 'The compatibility report is not there yet.';
  if (state.compatibility.value.overall === 'fail')
    return 'The compatibility report has a failed item: this machine cannot run the backed-up system as it is.';
  return null;
}

/** The UUIDs chosen for unresolved rows; the first malformed one is the problem. */
export function uuidOverrides(state: Pick<State, 'uuidInputs'>): Checked<Record<string, string>> {
  const overrides: Record<string, string> = {};
  for (const [from, input] of Object.entries(state.uuidInputs)) {
    const checked = checkUuid(input);
    if (!checked.ok) return { ok: false, problem: `For ${from}: ${checked.problem}` };
    if (checked.value !== null) overrides[from] = checked.value;
  }
  return { ok: true, value: overrides };
}

export function diskMap(state: Pick<State, 'diskMapInputs'>): Checked<Record<string, string>> {
  const map: Record<string, string> = {};
  for (const [from, input] of Object.entries(state.diskMapInputs)) {
    const to = input.trim();
    if (to === '') continue;
    if (!isAbsolutePath(to))
      return { ok: false, problem: `For ${from}: type a device path, such as /dev/nvme0n1.` };
    map[from] = to;
  }
  return { ok: true, value: map };
}

/**
 * The target of a plan or a start. A plan of an apply to this system only shows what would happen, so it names
 * this machine as the helper reported it; a start needs the hostname as the user typed it.
 */
export function targetOf(state: State, purpose: 'plan' | 'start'): Checked<RestoreTarget> {
  if (state.targetKind === 'folder') {
    const folder = checkTargetFolder(state.folderInput);
    return folder.ok ? { ok: true, value: { kind: 'folder', path: folder.value } } : folder;
  }
  const blocked = systemTargetBlocked(state);
  if (blocked !== null) return { ok: false, problem: blocked };
  const hostname = thisHostname(state) ?? '';
  if (purpose === 'plan') return { ok: true, value: { kind: 'system', confirmHostname: hostname } };
  if (!hostnameMatches(state.confirmInput, hostname))
    return { ok: false, problem: `Type this machine's name, ${hostname}, to confirm.` };
  return { ok: true, value: { kind: 'system', confirmHostname: state.confirmInput.trim() } };
}

export function choicesFor(state: State, purpose: 'plan' | 'start'): Checked<RestoreChoices> {
  if (state.repository === null) return { ok: false, problem: 'Open a repository first.' };
  if (state.snapshotId === null) return { ok: false, problem: 'Choose a session first.' };
  if (state.components.length === 0)
    return { ok: false, problem: 'No selection: choose at least one component.' };
  const target = targetOf(state, purpose);
  if (!target.ok) return target;
  const overrides = uuidOverrides(state);
  if (!overrides.ok) return overrides;
  const disks = diskMap(state);
  if (!disks.ok) return disks;
  return {
    ok: true,
    value: {
      handle: state.repository.handle,
      snapshotId: state.snapshotId,
      components: state.components,
      target: target.value,
      ...(Object.keys(overrides.value).length > 0 ? { uuidOverrides: overrides.value } : {}),
      ...(Object.keys(disks.value).length > 0 ? { diskMap: disks.value } : {}),
      ...(state.sysvolMode === null ? {} : { sysvolMode: state.sysvolMode }),
    },
  };
}

/** The identity of the plan choices: a shown plan is current only while this stays the same. */
export function choicesKey(state: State): string | null {
  const choices = choicesFor(state, 'plan');
  return choices.ok ? JSON.stringify(choices.value) : null;
}

export function planIsCurrent(state: State): boolean {
  const key = choicesKey(state);
  return key !== null && state.plan.status === 'ready' && state.planKey === key;
}

export type Gate = { ok: true } | { ok: false; reason: string };

/** Whether "Next" (or "Start the restore") is possible on a step, and why not. */
export function canLeave(state: State, step: WizardStep): Gate {
  switch (step) {
    case 'repository':
      return state.repository === null ? { ok: false, reason: 'Open a repository first.' } : { ok: true };
    case 'session':
      return selectedSession(state) === null ? { ok: false, reason: 'Choose a session.' } : { ok: true };
    case 'components':
      return state.components.length === 0
        ? { ok: false, reason: 'No selection: choose at least one component.' }
        : { ok: true };
    case 'compatibility':
      return state.compatibility.status === 'ready'
        ? { ok: true }
        : { ok: false, reason: 'Wait for the compatibility report.' };
    case 'target': {
      const choices = choicesFor(state, 'start');
      if (!choices.ok) return { ok: false, reason: choices.problem };
      if (!planIsCurrent(state))
        return { ok: false, reason: 'Review the plan for these choices first (Update the plan).' };
      return state.starting ? { ok: false, reason: 'Starting…' } : { ok: true };
    }
    case 'run':
      return state.job !== null && state.job.state !== 'running'
        ? { ok: true }
        : { ok: false, reason: 'The restore is running.' };
    case 'result':
      return { ok: false, reason: 'This is the last step.' };
  }
}

/** Back is offered until the restore starts; after that the job is what the wizard shows. */
export function canGoBack(state: Pick<State, 'step'>): boolean {
  return !['repository', 'run', 'result'].includes(state.step);
}
