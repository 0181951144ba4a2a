import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { CourseFacts } from '../access/access.policy';
import type { QuizStats } from './dto/quiz.response';
import { Question } from './entities/question.entity';
import { Quiz } from './entities/quiz.entity';

/** A quizzes row as the driver returns it. */
interface QuizRow {
  id: string;
  course_id: string;
  lesson_id: string | null;
  title: string;
  description: string | null;
  time_limit_minutes: number | null;
  passing_score_percentage: number;
  shuffle_questions: boolean;
  shuffle_options: boolean;
  draw: Quiz['draw'];
  max_attempts: number | null;
  show_correct_answers: boolean;
  is_published: boolean;
  definition_version: number;
  created_at: Date;
  updated_at: Date;
}

/** The enrollment a start needs: the policy's standing, the lesson locks' dates, its id. */
export interface TakerEnrollment {
  id: string;
  courseId: string;
  status: string;
  enrolledAt: Date;
}

const COURSE_COLUMNS =
  'c.instructor_id AS course_instructor_id, c.is_published AS course_is_published';

interface CourseColumns {
  course_instructor_id: string;
  course_is_published: boolean;
}

function courseOf(row: CourseColumns): CourseFacts {
  return { instructorId: row.course_instructor_id, isPublished: row.course_is_published };
}

function fromRow(row: QuizRow): Quiz {
  return Object.assign(new Quiz(), {
    id: row.id,
    courseId: row.course_id,
    lessonId: row.lesson_id,
    title: row.title,
    description: row.description,
    timeLimitMinutes: row.time_limit_minutes,
    passingScorePercentage: row.passing_score_percentage,
    shuffleQuestions: row.shuffle_questions,
    shuffleOptions: row.shuffle_options,
    draw: row.draw,
    maxAttempts: row.max_attempts,
    showCorrectAnswers: row.show_correct_answers,
    isPublished: row.is_published,
    definitionVersion: row.definition_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

@Injectable()
export class QuizzesRepository {
  constructor(
    @InjectRepository(Quiz) private readonly quizzes: Repository<Quiz>,
    @InjectRepository(Question) private readonly questions: Repository<Question>,
  ) {}

  async insert(data: QueryDeepPartialEntity<Quiz>): Promise<Quiz> {
    const result = await this.quizzes.insert(data);
    return this.quizzes.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  /** Plain SQL, mapped by hand: read by every submit (no query builder). */
  async findById(id: string): Promise<Quiz | null> {
    const rows = await this.quizzes.query<QuizRow[]>('SELECT * FROM quizzes WHERE id = $1', [id]);
    return rows.length > 0 ? fromRow(rows[0]) : null;
  }

  /**
   * The quiz with the facts of its course the access policy decides on, in one statement (null
   * when the quiz does not exist).
   */
  async findWithCourse(id: string): Promise<{ quiz: Quiz; course: CourseFacts } | null> {
    const rows = await this.quizzes.query<Array<QuizRow & CourseColumns>>(
      `SELECT q.*, ${COURSE_COLUMNS} FROM quizzes q JOIN courses c ON c.id = q.course_id
        WHERE q.id = $1`,
      [id],
    );
    return rows.length > 0 ? { quiz: fromRow(rows[0]), course: courseOf(rows[0]) } : null;
  }

  /**
   * What a start decides on, in one statement: the quiz, its course's facts, the student's
   * enrollment in that course (null when not enrolled; dropped ones too: the policy decides) and
   * whether the course has modules (the lesson locks' question).
   */
  async findForTaker(
    id: string,
    studentId: string,
  ): Promise<{
    quiz: Quiz;
    course: CourseFacts;
    enrollment: TakerEnrollment | null;
    /** Without modules no lesson can be locked (LessonLocksService). */
    courseHasModules: boolean;
  } | null> {
    const rows = await this.quizzes.query<
      Array<
        QuizRow &
          CourseColumns & {
            enrollment_id: string | null;
            enrollment_status: string;
            enrollment_enrolled_at: Date;
            course_has_modules: boolean;
          }
      >
    >(
      `SELECT q.*, ${COURSE_COLUMNS}, e.id AS enrollment_id, e.status AS enrollment_status,
              e.enrolled_at AS enrollment_enrolled_at,
              EXISTS (SELECT 1 FROM course_modules m WHERE m.course_id = q.course_id)
                AS course_has_modules
         FROM quizzes q
         JOIN courses c ON c.id = q.course_id
         LEFT JOIN enrollments e ON e.course_id = q.course_id AND e.student_id = $2
        WHERE q.id = $1`,
      [id, studentId],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      quiz: fromRow(row),
      course: courseOf(row),
      enrollment:
        row.enrollment_id === null
          ? null
          : {
              id: row.enrollment_id,
              courseId: row.course_id,
              status: row.enrollment_status,
              enrolledAt: row.enrollment_enrolled_at,
            },
      courseHasModules: row.course_has_modules,
    };
  }

  findByCourse(courseId: string, publishedOnly: boolean): Promise<Quiz[]> {
    return this.quizzes.find({
      where: { courseId, ...(publishedOnly ? { isPublished: true } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  findPublishedByLesson(manager: EntityManager, lessonId: string): Promise<Quiz[]> {
    return manager.getRepository(Quiz).findBy({ lessonId, isPublished: true });
  }

  async update(id: string, changes: QueryDeepPartialEntity<Quiz>): Promise<void> {
    await this.quizzes.update({ id }, changes);
  }

  async delete(id: string): Promise<void> {
    await this.quizzes.delete({ id });
  }

  /**
   * Publishes the quiz when it has questions and every pool its `draw` names holds enough, in one
   * statement (a question deleted meanwhile cannot slip through). 'published' when this call did
   * it, 'unchanged' when it already was, 'empty' when it has no question, 'short_pool' when a
   * pool has fewer questions than the draw asks.
   */
  async publishIfReady(id: string): Promise<'published' | 'unchanged' | 'empty' | 'short_pool'> {
    const [rows] = await this.quizzes.query<[Array<{ id: string }>, number]>(
      `UPDATE quizzes q SET is_published = true, updated_at = now()
        WHERE q.id = $1 AND NOT q.is_published
          AND EXISTS (SELECT 1 FROM questions WHERE quiz_id = $1)
          AND NOT EXISTS (
            SELECT 1 FROM jsonb_to_recordset(coalesce(q.draw, '[]'::jsonb)) AS d(pool text, count int)
             WHERE d.count > (SELECT count(*) FROM questions x WHERE x.quiz_id = $1 AND x.pool = d.pool))
        RETURNING q.id`,
      [id],
    );
    if (rows.length > 0) return 'published';
    if (await this.quizzes.existsBy({ id, isPublished: true })) return 'unchanged';
    return (await this.questions.existsBy({ quizId: id })) ? 'short_pool' : 'empty';
  }

  /** How many questions each pool of the quiz holds. */
  async poolSizes(quizId: string): Promise<Map<string, number>> {
    const rows = await this.questions
      .createQueryBuilder('q')
      .select('q.pool', 'pool')
      .addSelect('count(*)::int', 'size')
      .where('q.quiz_id = :quizId AND q.pool IS NOT NULL', { quizId })
      .groupBy('q.pool')
      .getRawMany<{ pool: string; size: number }>();
    return new Map(rows.map((row) => [row.pool, row.size]));
  }

  /** Question count and total points per quiz, in one query. */
  async stats(quizIds: string[]): Promise<Map<string, QuizStats>> {
    if (quizIds.length === 0) return new Map();
    const rows = await this.questions
      .createQueryBuilder('q')
      .select('q.quiz_id', 'quizId')
      .addSelect('count(*)::int', 'questionCount')
      .addSelect('coalesce(sum(q.points), 0)::int', 'totalPoints')
      .where('q.quiz_id IN (:...quizIds)', { quizIds })
      .groupBy('q.quiz_id')
      .getRawMany<{ quizId: string } & QuizStats>();
    return new Map(
      rows.map((row) => [
        row.quizId,
        { questionCount: row.questionCount, totalPoints: row.totalPoints },
      ]),
    );
  }

  questionsOf(quizId: string): Promise<Question[]> {
    return this.questions.find({ where: { quizId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }

  /**
   * The questions of a quiz (as questionsOf) and the quiz's definition version, read by one
   * statement; version null when the quiz has no questions (or does not exist).
   */
  async definitionOf(quizId: string): Promise<{ version: number | null; questions: Question[] }> {
    const { entities, raw } = await this.questions
      .createQueryBuilder('q')
      .innerJoin(Quiz, 'z', 'z.id = q.quiz_id')
      .addSelect('z.definition_version', 'definition_version')
      .where('q.quiz_id = :quizId', { quizId })
      .orderBy('q.position', 'ASC')
      .addOrderBy('q.created_at', 'ASC')
      .getRawAndEntities<{ definition_version: number }>();
    return { version: raw[0]?.definition_version ?? null, questions: entities };
  }

  findQuestion(id: string): Promise<Question | null> {
    return this.questions.findOneBy({ id });
  }

  async nextQuestionPosition(quizId: string): Promise<number> {
    const row = await this.questions
      .createQueryBuilder('q')
      .select('coalesce(max(q.position), 0)::int + 1', 'next')
      .where('q.quiz_id = :quizId', { quizId })
      .getRawOne<{ next: number }>();
    return row?.next ?? 1;
  }

  async insertQuestion(data: QueryDeepPartialEntity<Question>): Promise<Question> {
    const result = await this.questions.insert(data);
    return this.questions.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  async updateQuestion(id: string, changes: QueryDeepPartialEntity<Question>): Promise<void> {
    await this.questions.update({ id }, changes);
  }

  async deleteQuestion(id: string): Promise<void> {
    await this.questions.delete({ id });
  }
}
