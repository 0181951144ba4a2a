import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { ValidationFailedError } from '../../common/errors/app-error';
import type { CourseFacts } from '../access/access.policy';
import { AccessService } from '../access/access.service';
import { CoursesService } from '../courses/courses.service';
import { LessonsService } from '../courses/lessons.service';
import { CreateQuestionDto } from './dto/create-question.dto';
import { CreateQuizDto } from './dto/create-quiz.dto';
import { QuestionResponse, toQuestionResponse } from './dto/question.response';
import { QuizResponse, toQuizResponse } from './dto/quiz.response';
import { UpdateQuestionDto } from './dto/update-question.dto';
import { UpdateQuizDto } from './dto/update-quiz.dto';
import { Question } from './entities/question.entity';
import { Quiz, QuizDraw } from './entities/quiz.entity';
import { questionProblems } from './question-rules';
import { QuizzesRepository } from './quizzes.repository';
import { PoolTooSmallError, QuestionNotFoundError } from './quizzes.errors';

/** What a caller may do with a quiz (access.policy.ts decides). */
export type QuizPermission = 'quiz.view' | 'quiz.manage';

/** Quiz authoring and reading. Answers never leave it except to the course's owner and admins. */
@Injectable()
export class QuizzesService {
  constructor(
    private readonly quizzes: QuizzesRepository,
    private readonly courses: CoursesService,
    private readonly lessons: LessonsService,
    private readonly access: AccessService,
  ) {}

  /** Students (and anyone who is not the owner) see published quizzes only. */
  async listForCourse(courseId: string, caller?: AuthenticatedUser): Promise<QuizResponse[]> {
    const course = await this.courses.findVisible(courseId, caller);
    const manages = this.access.can(caller, 'course.manage', { course });
    const quizzes = await this.quizzes.findByCourse(courseId, !manages);
    return this.presentMany(quizzes);
  }

  async create(
    courseId: string,
    caller: AuthenticatedUser,
    dto: CreateQuizDto,
  ): Promise<QuizResponse> {
    await this.courses.findManageable(courseId, caller);
    await this.assertLessonOfCourse(dto.lessonId, courseId);
    const quiz = await this.quizzes.insert({
      ...(dto as QueryDeepPartialEntity<Quiz>),
      draw: toDraw(dto.draw),
      courseId,
    });
    return this.present(quiz);
  }

  async get(id: string, caller?: AuthenticatedUser): Promise<QuizResponse> {
    return this.present((await this.findAllowed(id, caller, 'quiz.view')).quiz);
  }

  async update(id: string, caller: AuthenticatedUser, dto: UpdateQuizDto): Promise<QuizResponse> {
    const { quiz } = await this.findManageable(id, caller);
    if (dto.lessonId !== undefined) await this.assertLessonOfCourse(dto.lessonId, quiz.courseId);
    const draw = dto.draw === undefined ? undefined : toDraw(dto.draw);
    // A published quiz keeps a draw its pools can serve (unpublished ones are checked on publish).
    if (draw && quiz.isPublished) await this.assertPoolsServe(id, draw);
    await this.quizzes.update(id, {
      ...(dto as QueryDeepPartialEntity<Quiz>),
      ...(draw !== undefined ? { draw: draw } : {}),
    });
    return this.present((await this.quizzes.findById(id))!);
  }

  async remove(id: string, caller: AuthenticatedUser): Promise<void> {
    await this.findManageable(id, caller);
    await this.quizzes.delete(id);
  }

  /**
   * A quiz without questions cannot be published (422), nor one whose draw asks a pool for more
   * questions than it holds (422 POOL_TOO_SMALL).
   */
  async publish(id: string, caller: AuthenticatedUser): Promise<QuizResponse> {
    const { quiz } = await this.findManageable(id, caller);
    const outcome = await this.quizzes.publishIfReady(id);
    if (outcome === 'empty') {
      throw new ValidationFailedError(
        [{ field: 'questions', message: 'add at least one question before publishing' }],
        'A quiz needs questions to be published',
      );
    }
    if (outcome === 'short_pool') {
      const current = (await this.quizzes.findById(id)) ?? quiz;
      await this.assertPoolsServe(id, current.draw ?? []);
      // The pools grew between the statement and this check: publishing again will succeed.
      return this.publish(id, caller);
    }
    return this.present((await this.quizzes.findById(id))!);
  }

  /** 422 POOL_TOO_SMALL naming each draw entry whose pool holds fewer questions than it asks. */
  private async assertPoolsServe(quizId: string, draw: readonly QuizDraw[]): Promise<void> {
    const sizes = await this.quizzes.poolSizes(quizId);
    const problems = draw.flatMap(({ pool, count }, index) => {
      const size = sizes.get(pool) ?? 0;
      return size >= count
        ? []
        : [
            {
              field: `draw.${index}.count`,
              message: `pool "${pool}" holds ${size} question(s), fewer than the ${count} drawn`,
            },
          ];
    });
    if (problems.length > 0) throw new PoolTooSmallError(problems);
  }

  /** With answers: owner and admins only (students get questions through an attempt). */
  async questions(id: string, caller: AuthenticatedUser): Promise<QuestionResponse[]> {
    await this.findManageable(id, caller);
    return (await this.quizzes.questionsOf(id)).map(toQuestionResponse);
  }

  async addQuestion(
    quizId: string,
    caller: AuthenticatedUser,
    dto: CreateQuestionDto,
  ): Promise<QuestionResponse> {
    await this.findManageable(quizId, caller);
    this.assertQuestionFits(dto.type, dto.options, dto.correctAnswer, dto.tolerance);
    const question = await this.quizzes.insertQuestion({
      ...(dto as QueryDeepPartialEntity<Question>),
      quizId,
      options: dto.options ?? null,
      correctAnswer: dto.correctAnswer ?? null,
      tolerance: dto.type === 'numeric' ? (dto.tolerance ?? 0) : null,
      position: dto.position ?? (await this.quizzes.nextQuestionPosition(quizId)),
    });
    return toQuestionResponse(question);
  }

  async updateQuestion(
    id: string,
    caller: AuthenticatedUser,
    dto: UpdateQuestionDto,
  ): Promise<QuestionResponse> {
    const question = await this.findQuestion(id);
    await this.findManageable(question.quizId, caller);
    // The rules apply to the question as it will be after the change. A numeric question keeps
    // its tolerance; one changing to another type loses it.
    const type = dto.type ?? question.type;
    const tolerance =
      dto.tolerance !== undefined
        ? dto.tolerance
        : type === 'numeric'
          ? (question.tolerance ?? 0)
          : null;
    this.assertQuestionFits(
      type,
      dto.options !== undefined ? dto.options : question.options,
      dto.correctAnswer !== undefined ? dto.correctAnswer : question.correctAnswer,
      tolerance,
    );
    await this.quizzes.updateQuestion(id, {
      ...(dto as QueryDeepPartialEntity<Question>),
      tolerance: type === 'numeric' ? (tolerance ?? 0) : null,
    });
    return toQuestionResponse((await this.quizzes.findQuestion(id))!);
  }

  async removeQuestion(id: string, caller: AuthenticatedUser): Promise<void> {
    const question = await this.findQuestion(id);
    await this.findManageable(question.quizId, caller);
    await this.quizzes.deleteQuestion(id);
  }

  /** For attempts: the quiz and its course if the access policy lets this caller `permission`. */
  async findAllowed(
    id: string,
    caller: AuthenticatedUser | undefined,
    permission: QuizPermission,
  ): Promise<{ quiz: Quiz; course: CourseFacts }> {
    const found = await this.quizzes.findWithCourse(id);
    this.access.assert(caller, permission, {
      course: found?.course ?? null,
      quiz: found?.quiz ?? null,
    });
    return found!;
  }

  private findManageable(id: string, caller: AuthenticatedUser) {
    return this.findAllowed(id, caller, 'quiz.manage');
  }

  private async findQuestion(id: string): Promise<Question> {
    const question = await this.quizzes.findQuestion(id);
    if (!question) throw new QuestionNotFoundError();
    return question;
  }

  private assertQuestionFits(
    type: Question['type'],
    options: unknown,
    correctAnswer: unknown,
    tolerance: unknown,
  ): void {
    const problems = questionProblems(type, options, correctAnswer, tolerance);
    if (problems.length > 0) throw new ValidationFailedError(problems);
  }

  private async assertLessonOfCourse(
    lessonId: string | null | undefined,
    courseId: string,
  ): Promise<void> {
    if (!lessonId) return;
    if (!(await this.lessons.findInCourse(lessonId, courseId))) {
      throw new ValidationFailedError([
        { field: 'lessonId', message: 'lessonId must be a lesson of the same course' },
      ]);
    }
  }

  private async present(quiz: Quiz): Promise<QuizResponse> {
    const [presented] = await this.presentMany([quiz]);
    return presented;
  }

  private async presentMany(quizzes: Quiz[]): Promise<QuizResponse[]> {
    const stats = await this.quizzes.stats(quizzes.map((quiz) => quiz.id));
    return quizzes.map((quiz) =>
      toQuizResponse(quiz, stats.get(quiz.id) ?? { questionCount: 0, totalPoints: 0 }),
    );
  }
}

/** Plain objects for the jsonb column (the DTO holds class instances); null clears the draw. */
function toDraw(draw: readonly QuizDraw[] | null | undefined): QuizDraw[] | null {
  return draw ? draw.map(({ pool, count }) => ({ pool, count })) : null;
}
