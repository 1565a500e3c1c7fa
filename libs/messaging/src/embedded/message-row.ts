/**
 * The values of one log row. The transaction id is taken before the row's sequence number (the
 * volatile subquery runs first), so a consumer's floor horizon (see `advanceAckFloor`) sees every
 * insert that holds a number as in flight.
 */
export const MESSAGE_ROW = 'SELECT $1, $2, $3, $4, $5::jsonb, $6::bytea FROM (SELECT pg_current_xact_id()) AS xid_first';
