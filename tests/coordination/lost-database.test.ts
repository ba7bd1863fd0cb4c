// Which unhandled rejections a fetch worker lets go (issue 20): a lost connection raised inside
// pg-boss (its work loop records a job's outcome without awaiting it), nothing else.
import { describe, expect, it } from 'vitest';
import { isLostDatabaseInJobQueue } from '../../src/coordination/lost-database.js';

function raised(message: string, code: string | undefined, stack: string): Error {
  return Object.assign(new Error(message), { code, stack: `Error: ${message}\n${stack}` });
}

const IN_PG_BOSS = '    at async Manager.fail (/srv/veille/node_modules/pg-boss/src/manager.js:493:20)';
const ELSEWHERE = '    at publishStored (/srv/veille/dist/app/shared-cycle.js:80:3)';

describe('isLostDatabaseInJobQueue', () => {
  it.each([
    ['the server refused the connection, in pg-boss', raised('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', IN_PG_BOSS), true],
    ['the server shutting down (SQLSTATE 57P01), in pg-boss', raised('terminating connection due to administrator command', '57P01', IN_PG_BOSS), true],
    ['a connection failure (SQLSTATE class 08), in pg-boss', raised('connection failure', '08006', IN_PG_BOSS), true],
    ['the socket closed under the client, in pg-boss', raised('Connection terminated unexpectedly', undefined, IN_PG_BOSS), true],
    ['a lost connection outside pg-boss', raised('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', ELSEWHERE), false],
    ['an SQL error in pg-boss (unique violation)', raised('duplicate key value violates unique constraint', '23505', IN_PG_BOSS), false],
    ['a programming error', new TypeError('cannot read properties of undefined'), false],
    ['not an error', 'ECONNREFUSED', false],
  ])('%s', (_name, reason, expected) => {
    expect(isLostDatabaseInJobQueue(reason)).toBe(expected);
  });
});
