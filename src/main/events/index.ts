export {
  EVENTS_FILE_FORMAT,
  EVENTS_FILE_VERSION,
  EventImportError,
  exportEvents,
  importEvents,
} from './jsonl'
export { exportEventsToFile, importEventsFromFile } from './backup-file'
export type {
  EventsFileHeader,
  EventsFileLine,
  ImportLineError,
  ImportOptions,
  ImportResult,
} from './jsonl'
