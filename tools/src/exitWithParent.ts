/** Set by `oar launch` on the processes it starts: the pid they must not outlive. */
export const LAUNCH_PID_ENV = 'OAR_LAUNCH_PID';

/**
 * A process started by `oar launch` exits when launch is gone, even if launch was killed with SIGKILL and
 * could not stop it: it checks once a second that its parent is still launch.
 */
export function exitWithParent(): void {
  const launcher = Number(process.env[LAUNCH_PID_ENV]);
  if (!Number.isInteger(launcher) || launcher <= 0) return;
  setInterval(() => {
    if (process.ppid !== launcher) {
      process.stderr.write(`oar: oar launch (pid ${launcher}) is gone; exiting\n`);
      process.exit(1);
    }
  }, 1000).unref();
}
