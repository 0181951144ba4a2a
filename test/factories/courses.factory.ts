import type { TestUser } from './users.factory';
import { apiClient, must } from '../utils/api-client';
import type {
  CourseBody,
  CreateCourseInput,
  CreateLessonInput,
  LessonBody,
} from '../utils/contract';
import type { TestApp } from '../utils/test-app';

/** A course as the API returns it. */
export type TestCourse = CourseBody;

let counter = 0;

/** Creates a course with the SDK as `instructor`, optionally with lessons, optionally published. */
export async function createCourse(
  t: TestApp,
  instructor: TestUser,
  options: {
    title?: string;
    lessons?: number;
    publish?: boolean;
    body?: Partial<CreateCourseInput>;
  } = {},
): Promise<TestCourse & { lessonIds: string[] }> {
  const lms = apiClient(t, instructor);
  const title = options.title ?? `Course ${++counter} ${Date.now()}`;
  const course = must(
    await lms.POST('/api/v1/courses', { body: { title, ...options.body } }),
    'create course',
  );
  const lessonIds: string[] = [];
  for (let i = 0; i < (options.lessons ?? 0); i++) {
    const lesson = await createLesson(t, instructor, course.id, {
      title: `Lesson ${i + 1}`,
      content: `Body of lesson ${i + 1}`,
    });
    lessonIds.push(lesson.id);
  }
  if (options.publish) {
    // The course as created is returned (as before), not the published copy.
    must(
      await lms.POST('/api/v1/courses/{id}/publish', { params: { path: { id: course.id } } }),
      'publish course',
    );
  }
  return { ...course, lessonIds };
}

/** Adds a text lesson (or any lesson `body` describes) at the end of the course. */
export async function createLesson(
  t: TestApp,
  instructor: TestUser,
  courseId: string,
  body: { title: string; contentType?: CreateLessonInput['contentType']; content?: string },
): Promise<LessonBody> {
  return must(
    await apiClient(t, instructor).POST('/api/v1/courses/{id}/lessons', {
      params: { path: { id: courseId } },
      body: { contentType: 'text', ...body },
    }),
    'create lesson',
  );
}
