/**
 * CPU time of the local stack's processes, read from Linux's /proc: what a benchmark's load cost in
 * work, whatever else the machine was doing (a neighbour's load stretches latencies, not the CPU
 * seconds a message costs). The stack's Node process (gateway, every function, fauxqs, the pollers)
 * and DynamoDB Local's JVM, its child. Undefined where /proc is not there (macOS).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface StackCpu {
  /** CPU seconds (user + system) of the stack's Node process so far. */
  node: number;
  /** The same of DynamoDB Local's JVM. */
  dynamoDbLocal: number;
}

/** Clock ticks per second of /proc/<pid>/stat (100 on Linux unless the kernel says otherwise). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuSeconds(pid: number): number {
  // The command name is in parentheses and may hold spaces: the fields that follow it are fixed.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name and the state.
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

export function stackCpu(stackPid: number | undefined): StackCpu | undefined {
  if (stackPid === undefined || !existsSync(`/proc/${stackPid}/stat`)) return undefined;
  const jvm = childPids(stackPid).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'java');
  if (jvm === undefined) return undefined;
  return { node: cpuSeconds(stackPid), dynamoDbLocal: cpuSeconds(jvm) };
}

/** "the stack's Node process 7.2 ms, DynamoDB Local 9.1 ms" per message between two readings. */
export function cpuPerMessage(before: StackCpu, after: StackCpu, messages: number): string {
  const ms = (seconds: number) => ((seconds * 1000) / messages).toFixed(1);
  return `the stack's Node process ${ms(after.node - before.node)} ms, DynamoDB Local ${ms(after.dynamoDbLocal - before.dynamoDbLocal)} ms`;
}
