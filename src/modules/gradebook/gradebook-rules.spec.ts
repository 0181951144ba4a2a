import { assignmentCell, csvRecord, quizCell, totalsOf } from './gradebook-rules';

describe('gradebook rules', () => {
  describe('totalsOf', () => {
    it('sums graded scores and the maxPoints of graded and missing items', () => {
      expect(
        totalsOf([
          { status: 'graded', score: 7.5, maxPoints: 10 },
          { status: 'missing', score: null, maxPoints: 20 },
          { status: 'pending', score: 5, maxPoints: 10 },
          { status: 'none', score: null, maxPoints: 10 },
        ]),
      ).toEqual({ earned: 7.5, possible: 30, percentage: 25 });
    });

    it('rounds to 2 decimals', () => {
      expect(
        totalsOf([
          { status: 'graded', score: 1, maxPoints: 3 },
          { status: 'graded', score: 0.1, maxPoints: 0 },
          { status: 'graded', score: 0.2, maxPoints: 0 },
        ]),
      ).toEqual({ earned: 1.3, possible: 3, percentage: 43.33 });
    });

    it('gives a null percentage when nothing is possible', () => {
      expect(totalsOf([])).toEqual({ earned: 0, possible: 0, percentage: null });
      expect(totalsOf([{ status: 'pending', score: 3, maxPoints: 5 }])).toEqual({
        earned: 0,
        possible: 0,
        percentage: null,
      });
    });
  });

  describe('cells', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    it('quiz: graded beats pending, pending beats none', () => {
      expect(quizCell('q', { bestFinalScore: 4, pending: true })).toEqual({
        itemId: 'q',
        score: 4,
        status: 'graded',
      });
      expect(quizCell('q', { bestFinalScore: null, pending: true }).status).toBe('pending');
      expect(quizCell('q', undefined)).toEqual({ itemId: 'q', score: null, status: 'none' });
    });

    it('assignment: graded, pending (with the last grade), missing after dueAt, none', () => {
      expect(
        assignmentCell('a', { latestStatus: 'graded', latestGradedScore: 8 }, null, now),
      ).toEqual({ itemId: 'a', score: 8, status: 'graded' });
      expect(
        assignmentCell('a', { latestStatus: 'submitted', latestGradedScore: 8 }, null, now),
      ).toEqual({ itemId: 'a', score: 8, status: 'pending' });
      expect(assignmentCell('a', undefined, new Date('2026-01-09T00:00:00Z'), now).status).toBe(
        'missing',
      );
      expect(assignmentCell('a', undefined, new Date('2026-01-11T00:00:00Z'), now).status).toBe(
        'none',
      );
      expect(assignmentCell('a', undefined, null, now).status).toBe('none');
    });
  });

  it('writes RFC 4180 records', () => {
    expect(csvRecord(['a', 'b,c', 'say "hi"', 'x\ny', 'r\rs', 1.5, null])).toBe(
      'a,"b,c","say ""hi""","x\ny","r\rs",1.5,\r\n',
    );
  });
});
