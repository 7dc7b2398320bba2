/**
 * Session ids: `YYYYMMDD-HHMMSS-xxxxxx` (sessionIdSchema) — the creation time in UTC, so ids sort by age whatever
 * the machine's zone or a daylight-saving change, then 24 random bits so two sessions of the same second differ.
 * They name snapshots, staging folders and log entries, hence the path-safe alphabet.
 */
import { randomBytes } from 'node:crypto';

export function newSessionId(createdAt: Date): string {
  const iso = createdAt.toISOString(); // 2026-11-26T04:16:35.123Z
  const date = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
  const time = `${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return `${date}-${time}-${randomBytes(3).toString('hex')}`;
}
