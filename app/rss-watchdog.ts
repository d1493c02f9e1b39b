/**
 * Exits the process when its RSS passes a hard limit. The heap cap bounds the JS heap only;
 * buffers and native memory a leak holds live outside it, so RSS is watched too.
 */
export function startRssWatchdog(limitMb: number, intervalMs: number, onTrip: (rssMb: number) => void): () => void {
  const timer = setInterval(() => {
    const rssMb = process.memoryUsage.rss() / 2 ** 20;
    if (rssMb > limitMb) onTrip(rssMb);
  }, intervalMs);
  // The watchdog must never be what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
