import type { Session, StartSessionRequest } from '@tessera/contracts'
import type { HttpClient } from '../http.ts'
import { segment } from '../http.ts'

/** `POST /v1/sessions`; the contract's `StartSessionRequest`. */
export type InitSessionRequest = StartSessionRequest

/** `client.sessions`: an agent's connection to a server, with its mode and counters. */
export class SessionsResource {
  constructor(private readonly http: HttpClient) {}

  initSession(request: InitSessionRequest): Promise<Session> {
    return this.http.request({ method: 'POST', path: '/v1/sessions', body: request })
  }

  getSession(sessionId: string): Promise<Session> {
    return this.http.request({ method: 'GET', path: `/v1/sessions/${segment(sessionId)}` })
  }
}
