import { watchOthers, type OtherProcess } from './noise.js';
import { cpuMs, machineCpuMs } from './server.js';
import { wallNow } from './stats.js';

export interface LoadFigures {
  wallS: number;
  /** This process (all its threads; main thread alone), % of one core. */
  process: { cpuPctOfOneCore: number; mainThreadCpuPct: number };
  /** The whole machine, and what is neither this process nor idle, % of one core; the busiest other commands. */
  otherLoad: { machineBusyPctOfOneCore: number; otherPctOfOneCore: number; busiestOthers: OtherProcess[] };
}

const r1 = (x: number): number => Math.round(x * 10) / 10;

/** Starts measuring this process's CPU and everyone else's; `stop()` gives the figures for the window. */
export function loadWindow(cores: number): { stop(): LoadFigures } {
  const others = watchOthers(process.pid);
  const cpu0 = process.cpuUsage();
  const main0 = cpuMs(process.pid, process.pid);
  const mach0 = machineCpuMs();
  const wall0 = wallNow();
  return {
    stop() {
      const wallMs = wallNow() - wall0;
      const cpu = process.cpuUsage(cpu0);
      const mainMs = cpuMs(process.pid, process.pid) - main0;
      const mach1 = machineCpuMs();
      const cpuPct = ((cpu.user + cpu.system) / 1000 / wallMs) * 100;
      const busyPct = ((mach1.busy - mach0.busy) / (mach1.total - mach0.total)) * cores * 100;
      return {
        wallS: r1(wallMs / 1000),
        process: { cpuPctOfOneCore: r1(cpuPct), mainThreadCpuPct: r1((mainMs / wallMs) * 100) },
        otherLoad: { machineBusyPctOfOneCore: r1(busyPct), otherPctOfOneCore: r1(Math.max(0, busyPct - cpuPct)), busiestOthers: others.stop(wallMs) },
      };
    },
  };
}
