import { reportError, setErrorReporter } from './error-reporter';

describe('error reporter port', () => {
  afterEach(() => setErrorReporter(() => undefined));

  it('is a no-op until a reporter is installed', () => {
    expect(() => reportError(new Error('nobody listens'))).not.toThrow();
  });

  it('hands each reported error to the installed reporter', () => {
    const reported: unknown[] = [];
    setErrorReporter((error) => reported.push(error));
    const error = new Error('boom');
    reportError(error);
    expect(reported).toEqual([error]);
  });
});
