import type { TestUser } from './users.factory';
import { bearer } from './users.factory';
import type { TestApp } from '../utils/test-app';

export interface TestCourse {
  id: string;
  slug: string;
  title: string;
}

let counter = 0;

/** Creates a course over HTTP as `instructor`, optionally with lessons, optionally published. */
export async function createCourse(
  t: TestApp,
  instructor: TestUser,
  options: {
    title?: string;
    lessons?: number;
    publish?: boolean;
    body?: Record<string, unknown>;
  } = {},
): Promise<TestCourse & { lessonIds: string[] }> {
  const title = options.title ?? `Course ${++counter} ${Date.now()}`;
  const res = await t.http
    .post('/api/v1/courses')
    .set(...bearer(instructor))
    .send({ title, ...options.body })
    .expect(201);
  const course = res.body.data as TestCourse;
  const lessonIds: string[] = [];
  for (let i = 0; i < (options.lessons ?? 0); i++) {
    const lesson = await t.http
      .post(`/api/v1/courses/${course.id}/lessons`)
      .set(...bearer(instructor))
      .send({ title: `Lesson ${i + 1}`, contentType: 'text', content: `Body of lesson ${i + 1}` })
      .expect(201);
    lessonIds.push(lesson.body.data.id as string);
  }
  if (options.publish) {
    await t.http
      .post(`/api/v1/courses/${course.id}/publish`)
      .set(...bearer(instructor))
      .expect(200);
  }
  return { ...course, lessonIds };
}
