import { percent } from './format';

/** A used/total bar; turns amber then red as a drive fills, since snapshots need free room. */
export function UsageBar({ used, total, label }: { used: number; total: number; label: string }) {
  const value = percent(used, total);
  const level = value >= 90 ? 'critical' : value >= 75 ? 'warning' : 'ok';
  return (
    // biome-ignore lint/a11y/useSemanticElements: a native <meter> cannot be styled consistently across the three fill levels; the ARIA meter role gives the same semantics.
    <div
      className={`bar bar-${level}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value)}
      aria-valuetext={`${Math.round(value)}% used`}
    >
      <div className="bar-fill" style={{ width: `${value}%` }} />
    </div>
  );
}
