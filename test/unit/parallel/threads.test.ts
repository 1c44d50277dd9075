// How many threads read a large file, and from what size on: the two settings an admin can make.
import {describe, expect, it} from 'vitest'
import {parallelMinBytes, workerCount} from '../../../src/parallel/threads.js'

const MiB = 1024 * 1024

describe('EXIM_REJECTS_PARALLEL_MB', () => {
  it('sets the size, in MiB, from which a file is read in ranges', () => {
    expect(parallelMinBytes({EXIM_REJECTS_PARALLEL_MB: '1'})).toBe(MiB)
    expect(parallelMinBytes({EXIM_REJECTS_PARALLEL_MB: '0.5'})).toBe(MiB / 2)
    expect(parallelMinBytes({EXIM_REJECTS_PARALLEL_MB: '2048'})).toBe(2048 * MiB)
  })

  it.each([undefined, '', '0', '-5', 'abc', '512M', 'Infinity'])('%s leaves the default, 512 MiB', (v) => {
    expect(parallelMinBytes(v === undefined ? {} : {EXIM_REJECTS_PARALLEL_MB: v})).toBe(512 * MiB)
  })
})

describe('EXIM_REJECTS_THREADS', () => {
  it('sets how many threads read one file, up to 16', () => {
    expect(workerCount({EXIM_REJECTS_THREADS: '1'})).toBe(1)
    expect(workerCount({EXIM_REJECTS_THREADS: '3'})).toBe(3)
    expect(workerCount({EXIM_REJECTS_THREADS: '99'})).toBe(16)
  })

  it('is otherwise the CPUs, at most 4', () => {
    const n = workerCount({})
    expect(n).toBeGreaterThanOrEqual(1)
    expect(n).toBeLessThanOrEqual(4)
    expect(workerCount({EXIM_REJECTS_THREADS: 'x'})).toBe(n)
  })
})
