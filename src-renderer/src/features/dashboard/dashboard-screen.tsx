import { DrivesTable } from '../../components/drives-table';
import { OverviewGate } from '../../components/overview-gate';
import { ProtectionCard } from './last-session-card';
import { MachineCard } from './machine-card';

export function DashboardScreen() {
  return (
    <>
      <h2>Dashboard</h2>
      <OverviewGate>
        {(overview) => (
          <div className="grid">
            <MachineCard overview={overview} />
            <ProtectionCard />
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
