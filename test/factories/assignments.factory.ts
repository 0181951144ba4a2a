import type { TestUser } from './users.factory';
import { apiClient, must } from '../utils/api-client';
import type { components } from '../utils/contract';
import type { TestApp } from '../utils/test-app';

type AssignmentBody = components['schemas']['AssignmentResponse'];
type SubmissionBody = components['schemas']['SubmissionResponse'];
type CreateAssignment = components['schemas']['CreateAssignmentDto'];
type GradeSubmission = components['schemas']['GradeSubmissionDto'];

/** Creates an assignment (text submissions unless told) as `owner`, published unless told. */
export async function createAssignment(
  t: TestApp,
  owner: TestUser,
  courseId: string,
  body: Partial<CreateAssignment> = {},
  { publish = true } = {},
): Promise<AssignmentBody> {
  const lms = apiClient(t, owner);
  const created = must(
    await lms.POST('/api/v1/courses/{id}/assignments', {
      params: { path: { id: courseId } },
      body: { title: 'Essay', submissionTypes: ['text'], ...body },
    }),
    'create assignment',
  );
  if (!publish) return created;
  return must(
    await lms.POST('/api/v1/assignments/{id}/publish', { params: { path: { id: created.id } } }),
    'publish assignment',
  );
}

/** Submits text as `student` (201). */
export async function submitText(
  t: TestApp,
  student: TestUser,
  assignmentId: string,
  text = 'My answer',
): Promise<SubmissionBody> {
  return must(
    await apiClient(t, student).POST('/api/v1/assignments/{id}/submissions', {
      params: { path: { id: assignmentId } },
      body: { text },
    }),
    'submit',
  );
}

/** Grades a submission as `grader` (200). */
export async function gradeSubmission(
  t: TestApp,
  grader: TestUser,
  submissionId: string,
  body: GradeSubmission,
): Promise<SubmissionBody> {
  return must(
    await apiClient(t, grader).POST('/api/v1/submissions/{id}/grade', {
      params: { path: { id: submissionId } },
      body,
    }),
    'grade',
  );
}
