import type { TestUser } from './users.factory';
import { apiClient, must } from '../utils/api-client';
import type { EnrollmentBody } from '../utils/contract';
import type { TestApp } from '../utils/test-app';

/** Enrolls `student` in a course with the SDK (a new enrollment: 201). */
export async function enroll(
  t: TestApp,
  student: TestUser,
  courseId: string,
): Promise<EnrollmentBody> {
  const result = await apiClient(t, student).POST('/api/v1/enrollments', { body: { courseId } });
  if (result.response.status !== 201) {
    throw new Error(`enroll expected 201, got ${result.response.status}`);
  }
  return must(result, 'enroll');
}

/** Marks lessons complete, in order, as `student`; returns the enrollment after the last one. */
export async function completeLessons(
  t: TestApp,
  student: TestUser,
  enrollmentId: string,
  lessonIds: string[],
): Promise<EnrollmentBody | undefined> {
  const lms = apiClient(t, student);
  let last: EnrollmentBody | undefined;
  for (const lessonId of lessonIds) {
    last = must(
      await lms.POST('/api/v1/enrollments/{id}/lessons/{lessonId}/complete', {
        params: { path: { id: enrollmentId, lessonId } },
      }),
      `complete lesson ${lessonId}`,
    );
  }
  return last;
}
