import type { ControlConnection } from '../control/useControlConnection.ts';

export function connectionLabel(connection: ControlConnection): string {
  switch (connection.state) {
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return connection.everConnected ? 'Reconnecting…' : 'Connecting…';
    case 'disconnected':
      return 'Disconnected';
  }
}

/** Live link to the server: a coloured dot AND a word, announced politely to screen readers. */
export function ConnectionIndicator({ connection }: { connection: ControlConnection }) {
  const label = connectionLabel(connection);
  return (
    <span
      class={`connection connection--${connection.state}`}
      data-testid="connection-state"
      data-state={connection.state}
      role="status"
      aria-live="polite"
      title={connection.detail || label}
    >
      <span class="connection-dot" aria-hidden="true" />
      <span class="connection-label">{label}</span>
    </span>
  );
}
