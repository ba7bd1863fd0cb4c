// The cycle's results name their error codes as ErrorCode, not string: a caller branching on a
// code that does not exist is a type error (checked by `npm run typecheck`, which covers tests/).
import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorCode } from '../../src/domain/errors.js';
import type { CycleSummary, SourceResult } from '../../src/app/pipeline.js';

describe('pipeline types', () => {
  it('keep a failed source\'s code an ErrorCode', () => {
    expectTypeOf<Extract<SourceResult, { kind: 'failed' }>['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<CycleSummary['failures'][number]['code']>().toEqualTypeOf<ErrorCode>();
  });
});
