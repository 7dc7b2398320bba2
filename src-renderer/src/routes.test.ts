import { describe, expect, it } from 'vitest';
import { routeFromHash } from './routes';

describe('routeFromHash', () => {
  it('finds the screen of a plain hash, and of a deep link into a screen', () => {
    expect(routeFromHash('#/troubleshooting')).toBe('troubleshooting');
    expect(routeFromHash('#/troubleshooting?check=free-space')).toBe('troubleshooting');
    expect(routeFromHash('#/troubleshooting/free-space')).toBe('troubleshooting');
    expect(routeFromHash('#sessions')).toBe('sessions');
  });

  it('falls back to the dashboard for anything else', () => {
    expect(routeFromHash('')).toBe('dashboard');
    expect(routeFromHash('#/nowhere?check=x')).toBe('dashboard');
  });
});
