import { weekdayNames } from './format';

/** The days of a weekly schedule, one checkbox each (0 = Sunday), in a fieldset that reads "On Mon, Tue…". */
export function WeekdayChecks({
  chosen,
  onChange,
  className,
}: {
  chosen: readonly number[];
  onChange(day: number, checked: boolean): void;
  /** Extra classes: the screen's placement. */
  className?: string;
}) {
  return (
    <fieldset className={className ? `weekday-checks ${className}` : 'weekday-checks'}>
      <legend>On</legend>
      {weekdayNames.map((name, day) => (
        <label key={name}>
          <input
            type="checkbox"
            checked={chosen.includes(day)}
            onChange={(event) => onChange(day, event.target.checked)}
          />{' '}
          {name}
        </label>
      ))}
    </fieldset>
  );
}
