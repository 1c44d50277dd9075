import {describe, expect, it} from 'vitest'
import {closest, editDistance} from '../../../src/cli/suggest.js'

describe('editDistance', () => {
  it('counts inserts, deletes, replacements and swapped neighbours as one edit each', () => {
    expect(editDistance('report', 'report')).toBe(0)
    expect(editDistance('reprot', 'report')).toBe(1)
    expect(editDistance('repor', 'report')).toBe(1)
    expect(editDistance('rxport', 'report')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })
})

describe('closest', () => {
  const commands = ['report', 'events', 'check', 'merge', 'help', 'version']
  it('finds a mistyped name', () => {
    expect(closest('reprot', commands)).toBe('report')
    expect(closest('evnets', commands)).toBe('events')
    expect(closest('chekc', commands)).toBe('check')
    expect(closest('Merge', commands)).toBe('merge')
  })

  it('takes a name the word starts, when only one starts so', () => {
    expect(closest('rep', commands)).toBe('report')
    expect(closest('form', ['format', 'follow', 'from'])).toBe('format')
  })

  it('suggests nothing when nothing is near', () => {
    expect(closest('frobnicate', commands)).toBeUndefined()
    expect(closest('x', commands)).toBeUndefined()
  })
})
