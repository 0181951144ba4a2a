import { nodeVersionProblem } from './node-version';

describe('nodeVersionProblem', () => {
  it.each(['v20.19.0', 'v20.20.2', 'v22.1.0', 'v24.0.0'])('accepts %s', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it.each(['v18.20.4', 'v20.10.0', 'v16.0.0'])('names the required version on %s', (version) => {
    expect(nodeVersionProblem(version)).toMatch(
      new RegExp(`Node.js 20.19.0 or newer is required, this is ${version}`),
    );
  });
});
