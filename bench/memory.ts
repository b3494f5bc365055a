/** Memory measures the benchmark parts share. */

export const MiB = 1024 * 1024;

/** Samples the process's RSS every 50 ms until stopped; the peak (MiB) includes a sample at the start and at the end. */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / MiB;
    },
  };
}
