// Sending listens to ListenBrainz and Last.fm: off by default; the card says what leaves the
// computer before anything does.
import { useCallback, useEffect, useState } from 'react'
import type { ScrobbleServiceStatus } from '../../../../shared/scrobbling'
import { errorText } from '../../lib/format'
import type { SettingsCardProps } from './card-props'

function statusLine(status: ScrobbleServiceStatus | undefined): string {
  if (!status || status.state === 'off') return 'Off.'
  const counts = [
    `${status.sent} sent`,
    status.pending ? `${status.pending} waiting` : null,
    status.refused ? `${status.refused} refused by the service` : null,
  ]
    .filter(Boolean)
    .join(', ')
  const who = status.user ? `Sending as ${status.user}` : 'On'
  const line = `${who}: ${counts}.`
  return status.message ? `${line} ${status.message}` : line
}

export function ScrobblingSettings({ bridge, settings, onChange, onError }: SettingsCardProps) {
  const { listenbrainz, lastfm } = settings.scrobbling
  const [statuses, setStatuses] = useState<ScrobbleServiceStatus[]>([])
  const [token, setToken] = useState(listenbrainz.token)
  const [server, setServer] = useState(listenbrainz.url)
  const [apiKey, setApiKey] = useState(lastfm.apiKey)
  const [apiSecret, setApiSecret] = useState(lastfm.apiSecret)
  const [lastfmPage, setLastfmPage] = useState<string | null>(null)
  const refresh = useCallback(() => {
    bridge.api
      .scrobblingStatus()
      .then(setStatuses)
      .catch(() => undefined)
  }, [bridge])
  useEffect(() => {
    refresh()
    const timer = setInterval(refresh, 5000)
    return () => clearInterval(timer)
  }, [refresh])
  const of = (service: ScrobbleServiceStatus['service']) =>
    statuses.find((s) => s.service === service)

  const save = async (patch: Partial<typeof settings.scrobbling>) => {
    try {
      onChange(await bridge.api.updateSettings({ section: 'scrobbling', patch }))
      setTimeout(refresh, 500)
    } catch (e) {
      onError(`That setting could not be saved: ${errorText(e)}`)
    }
  }
  // What the listener typed goes along with every change, so two quick edits never undo each
  // other while the first answer is on its way.
  const saveListenBrainz = (patch: Partial<typeof listenbrainz>) =>
    save({ listenbrainz: { ...listenbrainz, token, url: server.trim(), ...patch } })
  const saveLastfm = (patch: Partial<typeof lastfm>) => save({ lastfm: { ...lastfm, ...patch } })
  const connect = async () => {
    try {
      const { page } = await bridge.api.connectLastfm({ apiKey, apiSecret })
      setLastfmPage(page)
    } catch (e) {
      onError(`Last.fm could not be connected: ${errorText(e)}`)
    }
  }
  const finish = async () => {
    try {
      setStatuses(await bridge.api.finishLastfm())
      setLastfmPage(null)
      onChange(await bridge.api.getSettings())
    } catch (e) {
      onError(`Last.fm could not be connected: ${errorText(e)}`)
    }
  }

  return (
    <div className="card" aria-label="Scrobbling">
      <h3>Share what you listen to</h3>
      <p className="muted">
        Off unless you turn it on. When on, each song you listen to (half of it, or four minutes) is
        sent to the service you chose: its title, artist, album, length and when you heard it.
        Nothing else leaves your computer. Listens made offline are kept and sent later.
      </p>
      <fieldset className="field">
        <legend className="field-label">ListenBrainz</legend>
        <label>
          <input
            type="checkbox"
            aria-label="Send listens to ListenBrainz"
            checked={listenbrainz.enabled}
            onChange={(e) => void saveListenBrainz({ enabled: e.target.checked })}
          />{' '}
          Send my listens to ListenBrainz
        </label>
        <label>
          <span className="field-label">User token</span>
          <input
            type="password"
            aria-label="ListenBrainz user token"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            onBlur={() => {
              if (token !== listenbrainz.token) void saveListenBrainz({ token })
            }}
          />
        </label>
        <span className="hint">
          Your token is on listenbrainz.org under Settings → “User token”.
        </span>
        <details>
          <summary>Another ListenBrainz-compatible server</summary>
          <label>
            <span className="field-label">Server address</span>
            <input
              aria-label="ListenBrainz server address"
              value={server}
              onChange={(e) => setServer(e.target.value)}
              onBlur={() => {
                if (server !== listenbrainz.url) void saveListenBrainz({ url: server.trim() })
              }}
            />
          </label>
        </details>
        <p role="status" aria-label="ListenBrainz status">
          {statusLine(of('listenbrainz'))}
        </p>
      </fieldset>
      <fieldset className="field">
        <legend className="field-label">Last.fm</legend>
        {lastfm.sessionKey ? (
          <>
            <label>
              <input
                type="checkbox"
                aria-label="Send listens to Last.fm"
                checked={lastfm.enabled}
                onChange={(e) => void saveLastfm({ enabled: e.target.checked })}
              />{' '}
              Send my listens to Last.fm{lastfm.user ? ` (${lastfm.user})` : ''}
            </label>
            <button
              type="button"
              onClick={() => void saveLastfm({ enabled: false, sessionKey: '', user: '' })}
            >
              Disconnect Last.fm
            </button>
          </>
        ) : (
          <>
            <label>
              <span className="field-label">API key</span>
              <input
                aria-label="Last.fm API key"
                autoComplete="off"
                value={apiKey}
                onChange={(e) => setApiKey(e.target.value)}
              />
            </label>
            <label>
              <span className="field-label">Shared secret</span>
              <input
                type="password"
                aria-label="Last.fm shared secret"
                autoComplete="off"
                value={apiSecret}
                onChange={(e) => setApiSecret(e.target.value)}
              />
            </label>
            <span className="hint">
              Create a free API account at last.fm/api/account/create, then Connect.
            </span>
            {lastfmPage ? (
              <p>
                <a href={lastfmPage} target="_blank" rel="noreferrer">
                  Open Last.fm to allow Attune
                </a>
                , then{' '}
                <button type="button" onClick={() => void finish()}>
                  Finish
                </button>
              </p>
            ) : (
              <button
                type="button"
                disabled={!apiKey.trim() || !apiSecret.trim()}
                onClick={() => void connect()}
              >
                Connect Last.fm
              </button>
            )}
          </>
        )}
        <p role="status" aria-label="Last.fm status">
          {statusLine(of('lastfm'))}
        </p>
      </fieldset>
    </div>
  )
}
