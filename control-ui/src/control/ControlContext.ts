import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ControlConnection } from './useControlConnection.ts';

/** The shell owns the one `/control` socket; pages read its state from here. */
export const ControlContext = createContext<ControlConnection | null>(null);

export function useControl(): ControlConnection {
  const connection = useContext(ControlContext);
  if (connection === null) throw new Error('useControl() used outside the shell');
  return connection;
}
