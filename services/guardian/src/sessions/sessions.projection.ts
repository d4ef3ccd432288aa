import { sql } from 'kysely'
import { SessionClosed, SessionStarted } from '@tessera/contracts'
import { inlineProjection, onEvent } from '@tessera/service-kit'

/**
 * `sessions`, written from the session's events. The call counters are the decision log's
 * (action_checks, not events): a started session takes its count from there, which is 0 live
 * and the logged checks on a rebuild, and the decision log bumps them from then on.
 */
export const sessionsProjection = inlineProjection({
  name: 'sessions',
  tables: ['sessions'],
  on: {
    SessionStarted: onEvent(SessionStarted, (tx, s, e) =>
      sql`insert into ${s}.sessions
        (session_id, agent_id, org_id, server_id, mode, scope_ceiling, status, started_at,
          delegation_id, expires_at, total_calls, denied_calls)
        select ${e.sessionId}, ${e.agentId}, ${e.orgId}, ${e.serverId}, ${e.mode},
          ${e.scopeCeiling}, 'active', ${e.startedAt}, ${e.delegationId ?? null},
          ${e.expiresAt ?? null}, count(c.check_id),
          count(c.check_id) filter (where c.decision <> 'allow')
        from (select 1) one left join ${s}.action_checks c
          on c.session_id = ${e.sessionId}`.execute(tx),
    ),
    SessionClosed: onEvent(SessionClosed, (tx, s, e) =>
      sql`update ${s}.sessions set status = 'closed', closed_at = ${e.closedAt},
        close_reason = ${e.reason} where session_id = ${e.sessionId}`.execute(tx),
    ),
  },
})
