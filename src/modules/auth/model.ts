import { t } from 'elysia'
import { Timestamp, Uuid } from '../../http/schemas.ts'
import { PASSWORD_MAX } from './passwords.ts'

// Lengths are checked loosely here and precisely (in characters, after trimming) by the service, so
// the client gets the specific reason rather than a schema message.
const Email = t.String({ minLength: 3, maxLength: 320, examples: ['ada@example.com'] })
const Password = t.String({ minLength: 1, maxLength: PASSWORD_MAX * 4, description: '12 to 256 characters' })

export const Credentials = t.Object({ email: Email, password: Password })

export const User = t.Object({ id: Uuid, email: t.String(), createdAt: Timestamp })
export const UserEnvelope = t.Object({ user: User })

export const PasswordChange = t.Object({ currentPassword: Password, newPassword: Password })
export const PasswordChanged = t.Object({
  revokedSessions: t.Integer({ description: 'Other sessions ended' }),
})

export const AccountDeletion = t.Object({ password: Password })
