import { createCourse } from '../factories/courses.factory';
import { bearer, createUser } from '../factories/users.factory';
import { pollUntil } from '../utils/poll';
import { createTestApp, TestApp } from '../utils/test-app';

describe('certificates smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('issues a certificate after completion and verifies it', async () => {
    const teacher = await createUser(t, 'instructor');
    const student = await createUser(t, 'student');
    const admin = await createUser(t, 'admin');
    const course = await createCourse(t, teacher, { lessons: 1, publish: true });
    const enr = await t.http
      .post('/api/v1/enrollments')
      .set(...bearer(student))
      .send({ courseId: course.id })
      .expect(201);
    await t.http
      .post('/api/v1/certificates/generate')
      .set(...bearer(student))
      .send({ enrollmentId: enr.body.data.id })
      .expect(422);
    await t.http
      .post(`/api/v1/enrollments/${enr.body.data.id}/lessons/${course.lessonIds[0]}/complete`)
      .set(...bearer(student))
      .expect(200);
    const withCert = await pollUntil(
      async () => {
        const res = await t.http
          .get(`/api/v1/enrollments/${enr.body.data.id}`)
          .set(...bearer(student));
        return res.body.data.certificateId ? res.body.data : undefined;
      },
      { what: 'certificate issue' },
    );
    const again = await t.http
      .post('/api/v1/certificates/generate')
      .set(...bearer(student))
      .send({ enrollmentId: enr.body.data.id })
      .expect(200);
    expect(again.body.data.id).toBe(withCert.certificateId);
    const number = again.body.data.certificateNumber as string;
    expect(number).toMatch(/^CERT-\d{8}-[0-9A-Z]{10}$/);
    const verify = await t.http.get(`/api/v1/certificates/verify/${number}`).expect(200);
    expect(verify.body.data).toEqual({
      valid: true,
      certificateNumber: number,
      studentName: student.fullName,
      courseTitle: course.title,
      issuedAt: expect.any(String),
      revokedAt: null,
    });
    const pdf = await t.http
      .get(`/api/v1/certificates/${withCert.certificateId}/download`)
      .set(...bearer(student))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    await t.http
      .post(`/api/v1/certificates/${withCert.certificateId}/revoke`)
      .set(...bearer(student))
      .expect(403);
    await t.http
      .post(`/api/v1/certificates/${withCert.certificateId}/revoke`)
      .set(...bearer(admin))
      .expect(200);
    const after = await t.http.get(`/api/v1/certificates/verify/${number}`).expect(200);
    expect(after.body.data.valid).toBe(false);
    const mine = await t.http
      .get('/api/v1/certificates/my-certificates')
      .set(...bearer(student))
      .expect(200);
    expect(mine.body.meta.total).toBe(1);
  });
});
