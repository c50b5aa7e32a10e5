/**
 * What the benchmarks ran on, for the report: CPU model, cores, memory,
 * Deno and V8 versions, the OS and the date.
 *
 * @module
 */

import { readProcFile } from "./proc_files.ts";

/** The machine a run was measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memory_gb: number;
  deno: string;
  v8: string;
  os: string;
  date: string;
}

async function readOr(file: string, fallback: string): Promise<string> {
  try {
    return await readProcFile(file);
  } catch {
    return fallback;
  }
}

/** Reads `/proc/cpuinfo` and `/proc/meminfo` (Linux); other systems get "unknown". */
export async function machineInfo(now = new Date()): Promise<MachineInfo> {
  const cpuinfo = await readOr("cpuinfo", "");
  const meminfo = await readOr("meminfo", "");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ??
    "unknown";
  const kb = Number(/^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo)?.[1] ?? 0);
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memory_gb: Math.round((kb / 1024 / 1024) * 10) / 10,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    date: now.toISOString(),
  };
}
