import type { SettingsStore } from '../db/settings'
import type { Settings } from '../../shared/settings'
import { UserError } from '../../shared/errors'
import { LastfmClient } from './lastfm'

/**
 * Last.fm's desktop sign-in in two steps: `connect` keeps the listener's API key and secret and
 * asks Last.fm for a token and the page where the listener allows Attune; `finish`, once they
 * have, trades the token for a session key and turns Last.fm scrobbling on. The token lives only
 * in memory between the two steps (Last.fm's tokens expire after an hour and are single use).
 */
export class LastfmConnection {
  private token: string | null = null

  constructor(private readonly settings: SettingsStore) {}

  async connect(apiKey: string, apiSecret: string): Promise<{ page: string }> {
    const current = this.settings.get().scrobbling.lastfm
    const key = apiKey.trim()
    const secret = apiSecret.trim()
    const request = await new LastfmClient(current.url, key, secret, '').requestToken()
    if ('error' in request) throw new UserError(request.error)
    this.settings.update('scrobbling', { lastfm: { ...current, apiKey: key, apiSecret: secret } })
    this.token = request.token
    return { page: request.page }
  }

  /** Ends the sign-in; answers the settings with the session stored. */
  async finish(): Promise<Settings> {
    const current = this.settings.get().scrobbling.lastfm
    if (this.token === null) {
      throw new UserError('Press Connect first, then allow Attune on the Last.fm page.', 'conflict')
    }
    const client = new LastfmClient(current.url, current.apiKey, current.apiSecret, '')
    const session = await client.session(this.token)
    if ('error' in session) throw new UserError(session.error, 'conflict')
    this.token = null
    return this.settings.update('scrobbling', {
      lastfm: { ...current, enabled: true, sessionKey: session.key, user: session.user },
    })
  }
}
