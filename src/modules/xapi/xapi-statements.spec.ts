import type { DomainEvent } from '../../infra/outbox/domain-event';
import { verdictOf } from './lrs.client';
import { statementFor, uuidV5 } from './xapi-statements';

const BASE = 'https://lms.example.test';
const event = (type: DomainEvent['type'], data: object): DomainEvent => ({
  id: '3b0c9a8e-6d1f-4f51-9c0e-2a7d4b1e5f60',
  type,
  timestamp: '2026-11-29T10:00:00.000Z',
  data,
});

describe('uuidV5', () => {
  it('matches the RFC 4122 example (www.example.com in the DNS namespace)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('statementFor', () => {
  it('derives the statement id from the event id, the same every time', () => {
    const e = event('enrollment.created', { id: 'e1', studentId: 'u1', courseId: 'c1' });
    expect(statementFor(e, BASE)!.id).toBe(statementFor(e, BASE)!.id);
    expect(statementFor({ ...e, id: 'another' }, BASE)!.id).not.toBe(statementFor(e, BASE)!.id);
  });

  it('scales a quiz score and never copies answers or other fields of the attempt', () => {
    const statement = statementFor(
      event('quiz.attempt.submitted', {
        studentId: 'u1',
        quizId: 'q1',
        score: 3,
        maxScore: 4,
        passed: true,
        results: [{ answer: 'secret answer' }],
      }),
      BASE,
    )!;
    expect(statement.result).toEqual({
      score: { scaled: 0.75, raw: 3, min: 0, max: 4 },
      success: true,
      completion: true,
    });
    expect(JSON.stringify(statement)).not.toContain('secret answer');
  });

  it('names the course of a quiz or an assignment as parent, and an assignment score its max', () => {
    const submission = event('submission.graded', {
      studentId: 'u1',
      assignmentId: 'a1',
      grade: { finalScore: 42 },
    });
    const graded = statementFor(submission, BASE, { courseId: 'c1', maxScore: 50 })!;
    expect(graded.result).toEqual({
      score: { scaled: 0.84, raw: 42, min: 0, max: 50 },
      completion: true,
    });
    expect(graded.context?.contextActivities).toEqual({
      parent: [expect.objectContaining({ id: `${BASE}/api/v1/courses/c1` })],
    });
    const quiz = statementFor(
      event('quiz.attempt.submitted', { studentId: 'u1', quizId: 'q1', passed: false }),
      BASE,
      { courseId: 'c1' },
    )!;
    expect(quiz.context?.contextActivities?.parent).toHaveLength(1);
    // Without the facts (the activity is gone): no parent and a score without max.
    const bare = statementFor(submission, BASE)!;
    expect(bare.result).toEqual({ score: { raw: 42, min: 0 }, completion: true });
    expect(bare.context?.contextActivities).toBeUndefined();
  });

  it('sends nothing for an attempt waiting for a person, nor for other events', () => {
    const pending = { studentId: 'u1', quizId: 'q1', score: 1, maxScore: 4, passed: null };
    expect(statementFor(event('quiz.attempt.submitted', pending), BASE)).toBeNull();
    expect(statementFor(event('user.registered', { id: 'u1', studentId: 'u1' }), BASE)).toBeNull();
    expect(statementFor(event('certificate.issued', { studentId: 'u1' }), BASE)).toBeNull();
  });
});

describe('verdictOf (LRS answers)', () => {
  it.each([
    [200, 'succeeded'],
    [204, 'succeeded'],
    [409, 'succeeded'],
    [429, 'retry'],
    [503, 'retry'],
    [400, 'give-up'],
    [401, 'give-up'],
    [403, 'give-up'],
  ])('HTTP %i -> %s', (statusCode, verdict) => {
    expect(verdictOf({ statusCode })).toBe(verdict);
  });

  it('retries network errors', () => {
    expect(verdictOf({ error: 'ECONNREFUSED' })).toBe('retry');
  });
});
