export { EventLog, CURRENT_LABELS_SQL, unplayableTracks } from './event-log'
export type {
  LabelCounts,
  ListEventsQuery,
  ListenOutcome,
  LoggedEvent,
  PlayEndOptions,
  PlayStartOptions,
} from './event-log'
export { InvalidEventError, validateEventColumns } from './validate'
export type { EventColumns, NewEvent } from './validate'
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
