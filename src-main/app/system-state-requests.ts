/**
 * System state through the helper, for the Data sources, Snapshot location and Troubleshooting screens: the
 * detected components, the preflight checks (with the free-space numbers and the drive the fix suggests), the
 * snapshot location (validated by the helper before it is saved) and the diagnostic report.
 */
import {
  DiagnosticReportRequest,
  SnapshotLocationGetRequest,
  SnapshotLocationSetRequest,
  SystemStateComponentsRequest,
  SystemStatePreflightRequest,
} from '../helper-protocol/protocol';
import type { RequestHandlers } from '../ipc/contract';
import { askHelper, type HelperAccess } from './helper-requests';
import {
  toContractComponent,
  toContractLocationState,
  toContractPreflight,
  toContractReport,
} from './system-state-mapping';

export type SystemStateHandlers = Pick<
  RequestHandlers,
  | 'systemState.components'
  | 'systemState.preflight'
  | 'snapshotLocation.get'
  | 'snapshotLocation.set'
  | 'diagnostics.report'
>;

export function createSystemStateHandlers(access: HelperAccess): SystemStateHandlers {
  return {
    async 'systemState.components'() {
      const result = await askHelper(
        access,
        'detect the System state components',
        SystemStateComponentsRequest.type,
        {},
      );
      return {
        components: result.components.map(toContractComponent),
        estimate: { bytes: result.estimate.bytes, files: result.estimate.files },
      };
    },
    async 'systemState.preflight'({ location }) {
      const result = await askHelper(
        access,
        'run the preflight checks',
        SystemStatePreflightRequest.type,
        location === undefined ? {} : { location },
      );
      return toContractPreflight(result);
    },
    async 'snapshotLocation.get'() {
      const state = await askHelper(
        access,
        'read the snapshot location',
        SnapshotLocationGetRequest.type,
        {},
      );
      return toContractLocationState(state);
    },
    async 'snapshotLocation.set'({ location }) {
      // INVALID_LOCATION and INSUFFICIENT_SPACE cross as they are, with the helper's reason (helperFailure).
      const state = await askHelper(
        access,
        location === null
          ? 'go back to the default snapshot location'
          : `use ${location} as the snapshot location`,
        SnapshotLocationSetRequest.type,
        { location },
      );
      return toContractLocationState(state);
    },
    async 'diagnostics.report'() {
      const { report, text } = await askHelper(
        access,
        'build the diagnostic report',
        DiagnosticReportRequest.type,
        {},
      );
      return { report: toContractReport(report), text };
    },
  };
}
