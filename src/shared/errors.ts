/**
 * What kind of mistake a user error is; transports map it to a status (the browser host: 400, 404,
 * 409) and always show the message, which is written for the listener.
 */
export type UserErrorKind = 'bad-input' | 'not-found' | 'conflict'

/** A failure the listener caused and can fix, with a message in their words. */
export class UserError extends Error {
  override name = 'UserError'
  constructor(
    message: string,
    readonly kind: UserErrorKind = 'bad-input',
  ) {
    super(message)
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}
