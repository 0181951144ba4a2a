import { parseSeedOptions, UsageError } from './seed-options';

describe('parseSeedOptions', () => {
  it('reads the demo profile with its default password', () => {
    expect(parseSeedOptions(['--profile', 'demo'])).toEqual({
      profile: 'demo',
      password: 'demo-Passw0rd',
    });
  });

  it('gives the scale profile its defaults: 20 courses, 10 lessons, P = L', () => {
    expect(parseSeedOptions(['--profile', 'scale', '--students', '100000'])).toEqual({
      profile: 'scale',
      password: 'scale-Passw0rd',
      students: 100_000,
      courses: 20,
      lessons: 10,
      progressPerStudent: 10,
      gradebookStudents: 10_000,
    });
    expect(parseSeedOptions(['--profile', 'scale', '--students', '40'])).toMatchObject({
      gradebookStudents: 40,
    });
  });

  it('takes every scale option', () => {
    const options = parseSeedOptions([
      '--profile=scale',
      '--students=500',
      '--courses=3',
      '--lessons=4',
      '--progress-per-student=2',
      '--gradebook-students=300',
      '--password=another-Passw0rd',
    ]);
    expect(options).toMatchObject({
      students: 500,
      courses: 3,
      lessons: 4,
      progressPerStudent: 2,
      gradebookStudents: 300,
    });
    expect(options.password).toBe('another-Passw0rd');
  });

  it.each([
    [[], '--profile must be demo or scale'],
    [['--profile', 'huge'], '--profile must be demo or scale'],
    [['--profile', 'scale'], '--students is required'],
    [['--profile', 'scale', '--students', '0'], '--students must be an integer between 1'],
    [['--profile', 'scale', '--students', '1.5'], '--students must be an integer between 1'],
    [['--profile', 'scale', '--students', '9', '--lessons', '201'], '--lessons must be'],
    [['--profile', 'demo', '--students', '9'], '--students belongs to the scale profile'],
    [
      ['--profile', 'scale', '--students', '9', '--gradebook-students', '10'],
      '--gradebook-students cannot exceed --students',
    ],
    [['--profile', 'demo', '--password', 'short1'], '--password must be 8-128 characters'],
    [['--profile', 'demo', '--password', 'no-digits-here'], '--password must be 8-128'],
    [['--profile', 'demo', '--unknown'], "Unknown option '--unknown'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSeedOptions(argv)).toThrow(UsageError);
    expect(() => parseSeedOptions(argv)).toThrow(message);
  });
});
