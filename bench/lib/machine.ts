// The machine a run measured, printed with every report: absolute figures mean little without it.
import os from 'node:os'

export type Machine = {
  cpuModel: string
  cores: number
  node: string
  platform: string
  memoryGiB: number
  /** 1-minute load average when the run started: a busy machine explains drifting figures. */
  loadAverage1m: number
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  }
}
