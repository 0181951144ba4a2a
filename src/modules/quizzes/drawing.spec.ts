import type { QuestionType } from './entities/question.entity';
import { drawQuestions, optionOrdersFor } from './drawing';

const question = (id: string, pool: string | null, type: QuestionType = 'true_false') => ({
  id,
  pool,
  type,
  options: type === 'multiple_choice' ? ['a', 'b', 'c', 'd'] : null,
});

const bank = [
  ...['a1', 'a2', 'a3', 'a4'].map((id) => question(id, 'a')),
  ...['b1', 'b2', 'b3'].map((id) => question(id, 'b')),
  question('loose', null),
];

describe('drawQuestions', () => {
  const draw = [
    { pool: 'a', count: 2 },
    { pool: 'b', count: 1 },
  ];

  it('draws count distinct questions of each pool and none without a pool, in the quiz order', () => {
    const seen = new Set<string>();
    for (let round = 0; round < 50; round++) {
      const drawn = drawQuestions({ draw, shuffleQuestions: false }, bank);
      const ids = drawn.map((q) => q.id);
      expect(new Set(ids).size).toBe(3);
      expect(drawn.filter((q) => q.pool === 'a')).toHaveLength(2);
      expect(drawn.filter((q) => q.pool === 'b')).toHaveLength(1);
      expect(ids).not.toContain('loose');
      expect(ids).toEqual(bank.map((q) => q.id).filter((id) => ids.includes(id)));
      seen.add(ids.join(','));
    }
    // 18 possible sets: 50 identical draws would mean no randomness.
    expect(seen.size).toBeGreaterThan(1);
  });

  it('draws what a pool still holds when it shrank below count since publishing', () => {
    const drawn = drawQuestions({ draw: [{ pool: 'b', count: 5 }], shuffleQuestions: false }, bank);
    expect(drawn.map((q) => q.id)).toEqual(['b1', 'b2', 'b3']);
  });

  it('keeps every question without a draw', () => {
    const all = drawQuestions({ draw: null, shuffleQuestions: false }, bank);
    expect(all.map((q) => q.id)).toEqual(bank.map((q) => q.id));
  });
});

describe('optionOrdersFor', () => {
  const questions = [question('mc', null, 'multiple_choice'), question('tf', null)];

  it('gives choice questions a permutation of their options and others none', () => {
    const orders = optionOrdersFor({ shuffleOptions: true }, questions)!;
    expect(Object.keys(orders)).toEqual(['mc']);
    expect([...orders.mc].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is null when the quiz does not shuffle options', () => {
    expect(optionOrdersFor({ shuffleOptions: false }, questions)).toBeNull();
  });
});
