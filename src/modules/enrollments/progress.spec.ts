import { isComplete, progressPercentage } from './progress';

describe('progressPercentage', () => {
  it.each([
    [0, 3, 0],
    [1, 3, 33.33],
    [2, 3, 66.67],
    [3, 3, 100],
    [1, 8, 12.5],
    [1, 6, 16.67],
    [5, 7, 71.43],
    [0, 0, 0],
  ])('%i of %i lessons is %d %%', (completed, total, expected) => {
    expect(progressPercentage(completed, total)).toBe(expected);
  });

  it('never exceeds 100 when counts disagree for a moment', () => {
    expect(progressPercentage(4, 3)).toBe(100);
  });
});

describe('isComplete', () => {
  it('is complete when every lesson is done', () => {
    expect(isComplete(3, 3)).toBe(true);
  });

  it('is not complete with a lesson left', () => {
    expect(isComplete(2, 3)).toBe(false);
  });

  it('is never complete for a course without lessons', () => {
    expect(isComplete(0, 0)).toBe(false);
  });
});
