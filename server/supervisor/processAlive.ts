/**
 * Is a process with this pid running? EPERM means it exists but belongs to someone else: alive.
 * (A zombie still answers; callers that reap children themselves never see one for long.)
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
