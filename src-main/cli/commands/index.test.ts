import { describe, expect, it } from 'vitest';
import { loadCommands } from '../cli-runner';
import { commands } from './index';

describe('the command registry', () => {
  it('loads only the module the command line names', async () => {
    const loaded = await loadCommands(commands, ['backup', '/data']);
    expect(loaded.map((command) => command.path.join(' '))).toEqual(['backup']);
    expect(await loadCommands(commands, ['restore-wizard', 'hosts'])).not.toContainEqual(
      expect.objectContaining({ path: ['restore'] }),
    );
  });

  it("lists each command under words that start its path, and every command's path once", async () => {
    const paths: string[] = [];
    for (const entry of commands) {
      const loaded = await entry.load();
      expect(loaded.length).toBeGreaterThan(0);
      for (const command of loaded) {
        expect(command.path.slice(0, entry.words.length)).toEqual(entry.words);
        paths.push(command.path.join(' '));
      }
    }
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain('restore-wizard test-schedule');
  });
});
