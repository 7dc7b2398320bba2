/**
 * The helper's System state requests: components, preflight, the snapshot location and the diagnostic report, as
 * the UI's screens show them. SystemStateService reads and writes its snapshot location through the helper's
 * settings (settings/system-state-settings-view.ts), so what these requests show is what the sessions use.
 * Refusals are SystemStateErrors; their string codes (INVALID_LOCATION, INSUFFICIENT_SPACE, …) reach the client
 * as `error.data.code` (server/response-errors.ts).
 */
import type { HelperSettings } from '../helper-protocol/session-model';
import type { SnapshotLocationState } from '../helper-protocol/system-state-model';
import { buildReport, reportText } from '../system-state/diagnostics/diagnostic-report';
import { defaultLocation, listCandidates } from '../system-state/location/snapshot-location';
import { type CheckResult, worstStatus } from '../system-state/preflight/check';
import type { SystemStateService } from '../system-state/system-state-service';
import type { HelperHandlers } from './server/handler-map';
import {
  freeSpaceSummary,
  toWireCheck,
  toWireComponent,
  toWireDrive,
  toWireReport,
} from './system-state-wire';

export type SystemStateMethods =
  | 'system-state/components'
  | 'system-state/preflight'
  | 'snapshot-location/get'
  | 'snapshot-location/set'
  | 'diagnostics/report';

export interface SystemStateHandlerDeps {
  systemState: Pick<
    SystemStateService,
    'components' | 'estimate' | 'machine' | 'location' | 'setLocation' | 'preflight' | 'diagnose'
  >;
  /** The helper's settings: going back to the default location clears snapshotLocation there. */
  settings: { update(patch: Partial<HelperSettings>): Promise<HelperSettings> };
  /**
   * The "Repository reachable" check of the settings' repository (repository/repository-check.ts), added to the
   * troubleshooting checks and the diagnostic report; absent where there is no repository to reach (tests).
   */
  repositoryCheck?: () => Promise<CheckResult>;
}

export function createSystemStateHandlers(
  deps: SystemStateHandlerDeps,
): Pick<HelperHandlers, SystemStateMethods> {
  const { systemState, settings } = deps;

  const locationState = async (): Promise<SnapshotLocationState> => {
    const machine = await systemState.machine();
    const current = await systemState.location(machine);
    return {
      current: current.location,
      source: current.source,
      default: defaultLocation(machine),
      provider: { kind: machine.choice.kind, reason: machine.choice.reason },
      drives: listCandidates(machine).map(toWireDrive),
    };
  };

  return {
    'system-state/components': async () => {
      const components = await systemState.components();
      const estimate = await systemState.estimate(components);
      return {
        components: components.map(toWireComponent),
        estimate: { bytes: estimate.bytes, files: estimate.files },
      };
    },
    'system-state/preflight': async ({ location }) => {
      const result = await systemState.preflight(location);
      // A location being tried out on the snapshot location screen is about the snapshot, not the repository.
      const checks =
        location === undefined && deps.repositoryCheck
          ? [...result.checks, await deps.repositoryCheck()]
          : result.checks;
      return {
        checks: checks.map((check) => toWireCheck(check, result.machine.windows)),
        overall: worstStatus(checks.map((c) => c.status)),
        location: result.location,
        locationSource: result.locationSource,
        freeSpace: freeSpaceSummary(result),
      };
    },
    'snapshot-location/get': () => locationState(),
    'snapshot-location/set': async ({ location }) => {
      // The default needs no validation: it is the system disk, which the preflight checks before each session.
      if (location === null) await settings.update({ snapshotLocation: null });
      else await systemState.setLocation(location);
      return locationState();
    },
    'diagnostics/report': async () => {
      const diagnosed = await systemState.diagnose();
      let report = diagnosed;
      if (deps.repositoryCheck) {
        const checks = [...diagnosed.checks, await deps.repositoryCheck()];
        // Redacted again: the check's evidence is new text (it names no secret, but the rule has no exceptions).
        report = buildReport(
          { ...diagnosed, checks, overall: worstStatus(checks.map((c) => c.status)) },
          process.env,
        );
      }
      return { report: toWireReport(report), text: reportText(report) };
    },
  };
}
