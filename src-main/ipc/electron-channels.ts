/**
 * IPC channel names of the Electron transport, shared by main and the preload. Kept free of imports: the sandboxed
 * preload can bundle it without pulling zod or the schemas in.
 */
export const electronChannels = { invoke: 'backup-manager:invoke', event: 'backup-manager:event' } as const;
