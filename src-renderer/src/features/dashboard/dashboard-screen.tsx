import { DrivesTable } from '../../components/drives-table';
import { OverviewGate } from '../../components/overview-gate';
import { useAppStore } from '../../store/store-context';
import { MachineCard } from './machine-card';

export function DashboardScreen() {
  const helper = useAppStore((state) => state.helper);
  return (
    <>
      <h2>Dashboard</h2>
      <OverviewGate>
        {(overview) => (
          <div className="grid">
            <MachineCard overview={overview} />
            <section className="card" aria-labelledby="protection-title">
              <h3 id="protection-title">Protection</h3>
              <p>
                The last backup and its result appear here once the helper service runs System state sessions.
              </p>
              {helper && helper.state !== 'connected' && <p className="muted">{helper.detail}</p>}
            </section>
            <section className="card span-2" aria-labelledby="drives-title">
              <h3 id="drives-title">Drives</h3>
              <DrivesTable filesystems={overview.filesystems} caption="Mounted filesystems" />
            </section>
          </div>
        )}
      </OverviewGate>
    </>
  );
}
