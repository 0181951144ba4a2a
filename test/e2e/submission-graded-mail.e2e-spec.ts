import { rm } from 'node:fs/promises';
import { createAssignment, gradeSubmission, submitText } from '../factories/assignments.factory';
import { createCourse } from '../factories/courses.factory';
import { enroll } from '../factories/enrollments.factory';
import { bearer, createUser, TestUser } from '../factories/users.factory';
import { API } from '../utils/contract';
import { pollUntil } from '../utils/poll';
import { SmtpSink } from '../utils/smtp-sink';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * `submission.graded` mails the student through the outbox, once per grade that changes
 * something: a regrade with another score mails again, an identical regrade does not.
 */
describe('Mail to the student when a submission is graded (e2e)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let teacher: TestUser;
  let courseId: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ JOBS_INLINE: 'true', SMTP_URL: sink.url });
    teacher = await createUser(t, 'instructor');
    courseId = (await createCourse(t, teacher, { lessons: 1, publish: true })).id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    if (t?.env.DATA_DIR) await rm(t.env.DATA_DIR, { recursive: true, force: true });
  });

  /** The bodies (quoted-printable undone) of the graded mails to `student`. */
  const gradedMails = (student: TestUser) =>
    sink
      .to(student.email)
      .map((mail) => mail.raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='))
      .filter((raw) => /^Subject: Your submission to /m.test(raw));

  /** Waits until the outbox has nothing left to send, so that "no more mail" means something. */
  const outboxDrained = () =>
    pollUntil(
      async () => {
        const [{ unsent }] = await t.dataSource.query<Array<{ unsent: number }>>(
          'SELECT count(*)::int AS unsent FROM outbox_messages WHERE sent_at IS NULL',
        );
        return unsent === 0;
      },
      { what: 'the outbox to drain' },
    );

  async function submittedBy() {
    const student = await createUser(t, 'student');
    await enroll(t, student, courseId);
    const assignment = await createAssignment(t, teacher, courseId, {
      title: 'Lab report, part 2',
      maxPoints: 20,
    });
    const submission = await submitText(t, student, assignment.id);
    return { student, submission };
  }

  it('mails one message per grade, another on a regrade, none on an identical regrade', async () => {
    const { student, submission } = await submittedBy();
    await gradeSubmission(t, teacher, submission.id, { score: 15, feedback: 'Clear method' });
    const [first] = await pollUntil(
      () => gradedMails(student).length === 1 && gradedMails(student),
      {
        what: 'the graded mail',
      },
    );
    expect(first).toMatch(/^Subject: Your submission to Lab report, part 2 was graded\r?$/m);
    expect(first).toContain('15 of 20 points');
    expect(first).toContain('Feedback: Clear method');
    expect(first).toContain(`/submissions/${submission.id}`);

    await gradeSubmission(t, teacher, submission.id, { score: 18, feedback: 'Clear method' });
    const mails = await pollUntil(() => gradedMails(student).length === 2 && gradedMails(student), {
      what: 'the regrade mail',
    });
    expect(mails[1]).toContain('18 of 20 points');

    await gradeSubmission(t, teacher, submission.id, { score: 18, feedback: 'Clear method' });
    await outboxDrained();
    expect(gradedMails(student)).toHaveLength(2);
  });

  it('mails once when the same grade is sent by parallel requests', async () => {
    const { student, submission } = await submittedBy();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.http
          .post(`${API}/submissions/${submission.id}/grade`)
          .set(...bearer(teacher))
          .send({ score: 12 }),
      ),
    );
    expect(responses.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    await pollUntil(() => gradedMails(student).length >= 1, { what: 'the graded mail' });
    await outboxDrained();
    expect(gradedMails(student)).toHaveLength(1);
    expect(gradedMails(student)[0]).toContain('12 of 20 points');
  });
});
