// The engine's entry for what a front end shows before it builds an Engine (engine.ts): where the
// database and the music are by default. Kept apart from engine.ts so `attune --help` loads no
// SQLite; engine.ts re-exports it.
export { defaultDbPath, defaultMusicDir } from './paths'
