import { describe, expect, it } from 'vitest';
import { freeSpaceView, providerName, refusalExplanation } from './snapshot-location-text';
import { preflightResult } from './test-fixtures';

describe('snapshot location texts', () => {
  it('names providers and explains refusals in words', () => {
    expect(providerName('temp-copy')).toBe('Temporary copy');
    expect(providerName('zfs')).toBe('zfs');
    expect(refusalExplanation('INVALID_LOCATION')).toMatch(/exists, is on a local drive/);
    expect(refusalExplanation('INSUFFICIENT_SPACE')).toMatch(/too little free space/);
    expect(refusalExplanation('SOMETHING')).toMatch(/Nothing was changed/);
  });

  it('shows the numbers in human units, and no fix when there is enough space', () => {
    const view = freeSpaceView(preflightResult('pass'));
    expect(view.label).toBe('Enough free space');
    expect(view.fix).toBeNull();
    expect(view.facts.map((f) => [f.label, f.value])).toEqual([
      ['Snapshot location', '/'],
      ['Free there', '70.0 GiB'],
      ['System state estimate', '2.00 MiB'],
      ['Needed', '2.20 MiB to start, 3.00 MiB to be comfortable'],
    ]);
  });

  it('offers the one-click fix on warn and fail, and says a fail blocks Back up now', () => {
    const fail = freeSpaceView(preflightResult('fail', '/mnt/small/x'));
    expect(fail.label).toBe('Not enough free space');
    expect(fail.consequence).toMatch(/Back up now” is blocked/);
    expect(fail.fix).toMatchObject({ mountPoint: '/', label: 'Move the snapshot location to /' });
    expect(fail.facts[0]?.value).toBe('/mnt/small/x (on /mnt/small)');
    const warn = freeSpaceView(preflightResult('warn', '/mnt/small'));
    expect(warn.consequence).toMatch(/can still start/);
    expect(warn.fix?.detail).toBe('70.0 GiB free there (ext4).');
  });

  it('falls back to the check evidence and its advice when the location is not on a local drive', () => {
    const result = preflightResult('fail', '//server/share');
    const view = freeSpaceView({
      ...result,
      freeSpace: null,
      checks: [{ ...result.checks[0]!, code: 'INVALID_LOCATION', fix: 'Choose a local folder.' }],
    });
    expect(view.status).toBe('fail');
    expect(view.fix).toBeNull();
    expect(view.advice).toBe('Choose a local folder.');
    expect(view.facts[0]).toMatchObject({ label: 'Snapshot location', value: '//server/share' });
  });
});
