import type { TestUser } from './users.factory';
import { apiClient, must } from '../utils/api-client';
import type {
  CreateQuestionInput,
  CreateQuizInput,
  QuestionBody,
  QuizBody,
} from '../utils/contract';
import type { TestApp } from '../utils/test-app';

export interface TestQuiz extends QuizBody {
  /** As the owner sees them, in position order, with answers. */
  questions: QuestionBody[];
}

/**
 * Creates a quiz with the SDK as `instructor` in `courseId`, adds `questions` in order and
 * publishes it unless `publish: false`.
 */
export async function createQuiz(
  t: TestApp,
  instructor: TestUser,
  courseId: string,
  settings: Partial<CreateQuizInput> = {},
  questions: CreateQuestionInput[] = [],
  options: { publish?: boolean } = {},
): Promise<TestQuiz> {
  const lms = apiClient(t, instructor);
  const quiz = must(
    await lms.POST('/api/v1/courses/{id}/quizzes', {
      params: { path: { id: courseId } },
      body: { title: 'Quiz', ...settings },
    }),
    'create quiz',
  );
  const path = { params: { path: { id: quiz.id } } };
  for (const question of questions) {
    must(await lms.POST('/api/v1/quizzes/{id}/questions', { ...path, body: question }), 'question');
  }
  if (options.publish ?? true) {
    must(await lms.POST('/api/v1/quizzes/{id}/publish', path), 'publish quiz');
  }
  const listed = must(await lms.GET('/api/v1/quizzes/{id}/questions', path), 'list questions');
  return { ...quiz, questions: listed };
}
