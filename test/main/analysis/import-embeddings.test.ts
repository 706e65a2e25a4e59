import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { scanLibrary, TrackStore } from '../../../src/main/library'
import { evaluateEmbedding } from '../../../src/main/analysis/embedding-quality'
import { openDatabase, type Database } from '../../../src/main/db/database'
import { EmbeddingStore } from '../../../src/main/db/embeddings'
import {
  EmbeddingImportError,
  importEmbeddings,
  importSpaceName,
  parseNpyHeader,
  splitCsvRecord,
} from '../../../src/main/analysis/import-embeddings'
import { insertRoot, insertTrack } from '../media/library-rows'
import { FIXTURES, tempDir } from '../../helpers/temp'

let dir: string
let cleanup: () => void
let db: Database
let store: EmbeddingStore
const ids: Record<string, number> = {}

beforeEach(() => {
  const t = tempDir()
  dir = t.dir
  cleanup = t.cleanup
  db = openDatabase(join(dir, 'library.db'))
  store = new EmbeddingStore(db)
  const music = insertRoot(db, '/music')
  const other = insertRoot(db, '/other music')
  ids.one = insertTrack(db, { path: '/music/Album A/01 one.mp3', rootId: music })
  ids.two = insertTrack(db, { path: '/music/Album A/02 two, with comma.mp3', rootId: music })
  ids.three = insertTrack(db, { path: '/music/Album B/03 three.flac', rootId: music })
  ids.elsewhere = insertTrack(db, { path: '/other music/x/élan.ogg', rootId: other })
})

afterEach(() => {
  db.close()
  cleanup()
})

function write(name: string, text: string | Uint8Array): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

function vectorOf(name: string, space = 'import:test'): number[] | null {
  const vector = store.get(ids[name] as number, space)
  return vector ? Array.from(vector) : null
}

/** An NPY file built byte by byte (numpy/lib/format.py): magic, version, header length, dict, data. */
function npyBytes(options: {
  rows: number[][]
  dtype?: '<f4' | '<f8' | '>f4' | '<i4'
  version?: 1 | 2 | 3
  fortran?: boolean
  shape?: string
}): Uint8Array {
  const dtype = options.dtype ?? '<f4'
  const version = options.version ?? 1
  const columns = options.rows[0]?.length ?? 0
  const shape = options.shape ?? `(${options.rows.length}, ${columns})`
  const lengthBytes = version === 1 ? 2 : 4
  let dict = `{'descr': '${dtype}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shape}, }`
  // The header is padded with spaces and ends in a newline so the data starts on a 64-byte boundary.
  const unpadded = 6 + 2 + lengthBytes + dict.length + 1
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n'
  const itemBytes = dtype.endsWith('8') ? 8 : 4
  const values = options.rows.flat()
  const out = new Uint8Array(6 + 2 + lengthBytes + dict.length + values.length * itemBytes)
  const view = new DataView(out.buffer)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0])
  if (version === 1) view.setUint16(8, dict.length, true)
  else view.setUint32(8, dict.length, true)
  const headerStart = 8 + lengthBytes
  for (let i = 0; i < dict.length; i++) out[headerStart + i] = dict.charCodeAt(i)
  let at = headerStart + dict.length
  for (const value of values) {
    if (dtype === '<f8') view.setFloat64(at, value, true)
    else if (dtype === '<i4') view.setInt32(at, value, true)
    else view.setFloat32(at, value, dtype === '<f4')
    at += itemBytes
  }
  return out
}

describe('importing embeddings', () => {
  it('reads CSV with a header, absolute and library-relative paths and a quoted path holding a comma', async () => {
    const file = write(
      'vectors.csv',
      'path,d0,d1,d2\n' +
        '/music/Album A/01 one.mp3,0.5,-1,2e-3\n' +
        '"Album A/02 two, with comma.mp3",1,2,3\r\n' +
        'x/élan.ogg,  4 , 5 ,6\n' +
        '\n',
    )
    const report = await importEmbeddings(db, { file, space: 'test' })
    expect(report).toMatchObject({
      space: 'import:test',
      dim: 3,
      imported: 3,
      rows: 3,
      duplicates: 0,
    })
    expect(report.unmatched).toEqual([])
    expect(vectorOf('one')).toEqual([0.5, -1, Math.fround(2e-3)])
    expect(vectorOf('two')).toEqual([1, 2, 3])
    expect(vectorOf('elsewhere')).toEqual([4, 5, 6])
    expect(vectorOf('three')).toBeNull()
    expect(store.spaces()).toContainEqual({ space: 'import:test', dim: 3, vectors: 3, errors: 0 })
  })

  it('reads CSV without a header, and tab-separated files', async () => {
    const csv = write('plain.csv', 'Album B/03 three.flac,1,2\n')
    expect((await importEmbeddings(db, { file: csv, space: 'plain' })).imported).toBe(1)
    expect(vectorOf('three', 'import:plain')).toEqual([1, 2])
    const tsv = write('tabs.tsv', 'path\ta\tb\n/music/Album A/01 one.mp3\t7\t8\n')
    expect((await importEmbeddings(db, { file: tsv, space: 'tabs' })).imported).toBe(1)
    expect(vectorOf('one', 'import:tabs')).toEqual([7, 8])
  })

  it('reads JSONL with "vector" or "embedding" arrays', async () => {
    const file = write(
      'vectors.jsonl',
      [
        JSON.stringify({ path: '/music/Album A/01 one.mp3', vector: [1, 2] }),
        '',
        JSON.stringify({ path: 'Album B/03 three.flac', embedding: [3, 4], model: 'x' }),
        JSON.stringify({ path: 'file:///other%20music/x/%C3%A9lan.ogg', vector: [5, 6] }),
      ].join('\n'),
    )
    const report = await importEmbeddings(db, { file, space: 'json' })
    expect(report).toMatchObject({ imported: 3, dim: 2, rows: 3 })
    expect(vectorOf('one', 'import:json')).toEqual([1, 2])
    expect(vectorOf('three', 'import:json')).toEqual([3, 4])
    expect(vectorOf('elsewhere', 'import:json')).toEqual([5, 6])
  })

  it('reads NPY float32 (v1) and float64 (v2, v3) arrays with a paths file', async () => {
    const paths = write(
      'paths.txt',
      '/music/Album A/01 one.mp3\nAlbum B/03 three.flac\nx/élan.ogg\n\n',
    )
    const rows = [
      [0.25, -0.5, 1],
      [2, 3, 4],
      [1e-3, 1e3, -7],
    ]
    for (const [version, dtype] of [
      [1, '<f4'],
      [2, '<f8'],
      [3, '<f8'],
    ] as const) {
      const file = write(`v${version}.npy`, npyBytes({ rows, dtype, version }))
      const report = await importEmbeddings(db, { file, pathsFile: paths, space: `npy${version}` })
      expect(report, `version ${version}`).toMatchObject({ imported: 3, dim: 3, rows: 3 })
      expect(vectorOf('one', `import:npy${version}`)).toEqual([0.25, -0.5, 1])
      expect(vectorOf('elsewhere', `import:npy${version}`)).toEqual([Math.fround(1e-3), 1000, -7])
    }
  })

  it('refuses NPY in Fortran order, big-endian, of integers, not 2-D, or without a paths file', async () => {
    const paths = write('paths.txt', '/music/Album A/01 one.mp3\n')
    const cases: [Uint8Array, RegExp][] = [
      [npyBytes({ rows: [[1, 2]], fortran: true }), /Fortran/],
      [npyBytes({ rows: [[1, 2]], dtype: '>f4' }), /big-endian/],
      [npyBytes({ rows: [[1, 2]], dtype: '<i4' }), /<i4/],
      [npyBytes({ rows: [[1, 2]], shape: '(2,)' }), /2-D/],
      [new TextEncoder().encode('not numpy at all'), /not an NPY file/],
    ]
    for (const [bytes, message] of cases) {
      const file = write('bad.npy', bytes)
      await expect(importEmbeddings(db, { file, pathsFile: paths, space: 'bad' })).rejects.toThrow(
        message,
      )
    }
    const file = write('good.npy', npyBytes({ rows: [[1, 2]] }))
    await expect(importEmbeddings(db, { file, space: 'bad' })).rejects.toThrow(/paths file/)
    await expect(
      importEmbeddings(db, { file, pathsFile: join(dir, 'absent.txt'), space: 'bad' }),
    ).rejects.toThrow(/absent.txt does not exist/)
    await expect(
      importEmbeddings(db, { file: join(dir, 'x.parquet'), space: 'bad' }),
    ).rejects.toThrow(/cannot tell the format/)
    expect(store.spaces()).toEqual([])
  })

  it('refuses NPY whose paths file names more or fewer paths than the array has rows', async () => {
    const file = write('two.npy', npyBytes({ rows: [[1], [2]] }))
    const short = write('short.txt', '/music/Album A/01 one.mp3\n')
    await expect(importEmbeddings(db, { file, pathsFile: short, space: 'n' })).rejects.toThrow(
      /only 1 paths/,
    )
    const long = write('long.txt', 'a\nb\nc\n')
    await expect(importEmbeddings(db, { file, pathsFile: long, space: 'n' })).rejects.toThrow(
      /more paths/,
    )
    expect(store.spaces()).toEqual([])
  })

  it('imports nothing when one row has another dimension, and names its line', async () => {
    const file = write(
      'ragged.csv',
      'path,a,b,c\n/music/Album A/01 one.mp3,1,2,3\nAlbum B/03 three.flac,1,2,3\nx/élan.ogg,1,2\n',
    )
    const error = await importEmbeddings(db, { file, space: 'ragged' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EmbeddingImportError)
    expect((error as Error).message).toMatch(
      /Nothing was imported: 1 row has 2 numbers where the others have 3 \(line 4\)/,
    )
    expect((error as EmbeddingImportError).mismatched).toEqual([
      { line: 4, key: 'x/élan.ogg', dim: 2 },
    ])
    expect(store.spaces()).toEqual([])
  })

  it('keeps the previous import intact when a new file is refused', async () => {
    const good = write('good.csv', '/music/Album A/01 one.mp3,1,2\n')
    await importEmbeddings(db, { file: good, space: 'keep' })
    const bad = write('bad.csv', '/music/Album A/01 one.mp3,9,9\nAlbum B/03 three.flac,9\n')
    await expect(importEmbeddings(db, { file: bad, space: 'keep' })).rejects.toThrow(/line 2/)
    expect(vectorOf('one', 'import:keep')).toEqual([1, 2])
    expect(vectorOf('three', 'import:keep')).toBeNull()
  })

  it('reports rows whose path is not in the library and imports the others', async () => {
    const file = write(
      'some.csv',
      '/music/Album A/01 one.mp3,1,2\n/nowhere/song.mp3,3,4\nAlbum C/missing.mp3,5,6\nAlbum B/03 three.flac,7,8\n',
    )
    const report = await importEmbeddings(db, { file, space: 'some' })
    expect(report.imported).toBe(2)
    expect(report.unmatched).toEqual([
      { line: 2, key: '/nowhere/song.mp3' },
      { line: 3, key: 'Album C/missing.mp3' },
    ])
    expect(vectorOf('three', 'import:some')).toEqual([7, 8])
  })

  it('refuses a file none of whose paths is in the library', async () => {
    const file = write('none.csv', '/nowhere/a.mp3,1\n/nowhere/b.mp3,2\n')
    await expect(importEmbeddings(db, { file, space: 'none' })).rejects.toThrow(
      /None of the 2 paths/,
    )
  })

  it('rejects NaN, infinities, text and values too large for float32, naming the line', async () => {
    const rows: [string, RegExp][] = [
      ['NaN', /line 2: value 2: NaN/],
      ['-Infinity', /infinite/],
      ['', /empty value/],
      ['twelve', /'twelve' is not a number/],
      ['1e39', /too large for a 32-bit float/],
    ]
    for (const [value, message] of rows) {
      const file = write(
        'nan.csv',
        `/music/Album A/01 one.mp3,1,2\nAlbum B/03 three.flac,3,${value}\n`,
      )
      await expect(importEmbeddings(db, { file, space: 'nan' }), value).rejects.toThrow(message)
    }
    const npy = write('nan.npy', npyBytes({ rows: [[1, NaN]] }))
    const paths = write('paths.txt', '/music/Album A/01 one.mp3\n')
    await expect(
      importEmbeddings(db, { file: npy, pathsFile: paths, space: 'nan' }),
    ).rejects.toThrow(/line 1/)
    const jsonl = write('nan.jsonl', '{"path": "/music/Album A/01 one.mp3", "vector": [1, NaN]}\n')
    await expect(importEmbeddings(db, { file: jsonl, space: 'nan' })).rejects.toThrow(
      /not valid JSON/,
    )
    const nulls = write(
      'null.jsonl',
      '{"path": "/music/Album A/01 one.mp3", "vector": [1, null]}\n',
    )
    await expect(importEmbeddings(db, { file: nulls, space: 'nan' })).rejects.toThrow(
      /null is not a number/,
    )
    expect(store.spaces()).toEqual([])
  })

  it('replaces the whole space on re-import', async () => {
    const first = write('first.csv', '/music/Album A/01 one.mp3,1,2\nAlbum B/03 three.flac,3,4\n')
    await importEmbeddings(db, { file: first, space: 'again' })
    const second = write('second.csv', 'Album B/03 three.flac,5,6,7\n')
    const report = await importEmbeddings(db, { file: second, space: 'import:again' })
    expect(report).toMatchObject({ space: 'import:again', dim: 3, imported: 1 })
    expect(vectorOf('one', 'import:again')).toBeNull()
    expect(vectorOf('three', 'import:again')).toEqual([5, 6, 7])
    expect(store.matrix('import:again').dim).toBe(3)
  })

  it('counts a track named twice once, keeping the last row', async () => {
    const file = write('twice.csv', '/music/Album A/01 one.mp3,1\nAlbum A/01 one.mp3,2\n')
    const report = await importEmbeddings(db, { file, space: 'twice' })
    expect(report).toMatchObject({ imported: 1, duplicates: 1 })
    expect(vectorOf('one', 'import:twice')).toEqual([2])
  })

  it('reports without writing on a dry run', async () => {
    const file = write(
      'dry.csv',
      '/music/Album A/01 one.mp3,1,2\nAlbum B/03 three.flac,3\n/nowhere.mp3,1,1\n',
    )
    const report = await importEmbeddings(db, { file, space: 'dry', dryRun: true })
    expect(report).toMatchObject({ imported: 0, dim: 2, rows: 3 })
    expect(report.mismatched).toEqual([{ line: 2, key: 'Album B/03 three.flac', dim: 1 }])
    expect(report.unmatched).toEqual([{ line: 3, key: '/nowhere.mp3' }])
    expect(store.spaces()).toEqual([])
  })

  it('streams a large CSV', async () => {
    const lines = ['/music/Album A/01 one.mp3']
    for (let i = 0; i < 20_000; i++) lines.push(`/nowhere/${i}.mp3`)
    const text = lines.map(
      (path) => `${path},${Array.from({ length: 64 }, (_, k) => (k / 7).toFixed(6)).join(',')}`,
    )
    const file = write('large.csv', text.join('\n'))
    const report = await importEmbeddings(db, { file, space: 'large' })
    expect(report).toMatchObject({ imported: 1, dim: 64, rows: 20_001 })
    expect(report.unmatched.length).toBe(1000) // examples are capped; the count is not
    expect(report.unmatchedCount).toBe(20_000)
  })
})

describe('importing embeddings for the real fixture library', () => {
  it('matches paths relative to the scanned music folder, and the report reads the imported space', async () => {
    const library = openDatabase(join(dir, 'fixtures.db'))
    try {
      const music = join(FIXTURES, 'music')
      new TrackStore(library).addRoot(music)
      await scanLibrary(library, { roots: [music], coversDir: join(dir, 'covers') })
      const folders = readdirSync(music).sort()
      const lines = ['path,x,y,z,w,v']
      folders.forEach((folder, k) => {
        readdirSync(join(music, folder)).forEach((name, i) => {
          const vector = folders.map((_, d) => (d === k ? 5 : 0) + Math.sin(i * 7 + d))
          lines.push(`"${folder}/${name}",${vector.join(',')}`)
        })
      })
      const file = write('fixtures.csv', lines.join('\n'))
      const report = await importEmbeddings(library, { file, space: 'by-folder' })
      expect(report).toMatchObject({ imported: 40, unmatchedCount: 0, dim: 5 })
      const quality = evaluateEmbedding(library, { space: 'import:by-folder' })
      expect(quality.excludedClasses).toEqual([{ label: 'muldjord', tracks: 2 }])
      expect(quality.oneNN).toBe(1)
    } finally {
      library.close()
    }
  })
})

describe('import helpers', () => {
  it('names spaces import:<name> once', () => {
    expect(importSpaceName('openl3')).toBe('import:openl3')
    expect(importSpaceName('import:openl3')).toBe('import:openl3')
    expect(() => importSpaceName('import: ')).toThrow(/name/)
  })

  it('splits CSV records with quotes, and says when a quoted field continues on the next line', () => {
    expect(splitCsvRecord('"a ""b"", c",1,2')).toEqual(['a "b", c', '1', '2'])
    expect(splitCsvRecord('"open,1')).toBeNull()
  })

  it('reads the NPY header of every format version', () => {
    for (const version of [1, 2, 3] as const) {
      const header = parseNpyHeader(npyBytes({ rows: [[1, 2, 3]], version, dtype: '<f8' }))
      expect(header).toMatchObject({ dtype: 'float64', rows: 1, columns: 3 })
      expect(header.dataOffset % 64).toBe(0)
    }
  })
})
