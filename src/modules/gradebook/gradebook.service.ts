import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/auth/roles';
import { PagedObject, Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { ForbiddenError } from '../../common/errors/app-error';
import { Clock } from '../../common/time/clock';
import { CoursesService } from '../courses/courses.service';
import {
  GradebookItemResponse,
  GradebookResponse,
  GradebookStudentResponse,
  MyGradesStudentResponse,
} from './dto/gradebook.response';
import { assignmentCell, csvRecord, GradeCell, quizCell, totalsOf } from './gradebook-rules';
import {
  cellKey,
  GradeAggregates,
  GradebookItemRow,
  GradebookRepository,
  GradebookStudentRow,
} from './gradebook.repository';

/**
 * The course gradebook. A page is 5 statements whatever its size: the items, the student count,
 * the page of students, one aggregate over quiz attempts and one over submissions (plus the
 * course lookup of the access check); the CSV repeats the last three per batch of students.
 */
@Injectable()
export class GradebookService {
  /** Students per batch of statements of the streamed CSV (tests lower it to cross batches). */
  static csvBatch = 500;

  constructor(
    private readonly repository: GradebookRepository,
    private readonly courses: CoursesService,
    private readonly clock: Clock,
  ) {}

  async page(
    courseId: string,
    caller: AuthenticatedUser,
    query: PaginationQueryDto,
  ): Promise<PagedObject<GradebookResponse>> {
    await this.courses.findAllowed(courseId, caller, 'course.manage');
    const { page, pageSize } = query;
    const [items, total, students] = await Promise.all([
      this.repository.findItems(courseId),
      this.repository.countStudents(courseId),
      this.repository.findStudentsPage(courseId, Paginated.offset(page, pageSize), pageSize),
    ]);
    const rows = await this.rows(items, students);
    return new PagedObject(
      { items: items.map(toItemResponse), students: rows.map(({ row }) => row) },
      total,
      page,
      pageSize,
    );
  }

  async myGrades(courseId: string, caller: AuthenticatedUser): Promise<MyGradesStudentResponse> {
    await this.courses.findAllowed(courseId, caller, 'course.view');
    const [student, items] = await Promise.all([
      this.repository.findStudent(courseId, caller.id),
      this.repository.findItems(courseId),
    ]);
    if (!student) throw new ForbiddenError('Only students enrolled in this course have grades');
    const [{ row, feedback }] = await this.rows(items, [student]);
    return {
      ...row,
      grades: row.grades.map((grade) => ({
        ...grade,
        feedback: feedback.get(grade.itemId) ?? null,
      })),
    };
  }

  /** Checks access first (so a refusal is still a JSON error), then yields the CSV lines. */
  async csv(courseId: string, caller: AuthenticatedUser): Promise<AsyncGenerator<string>> {
    await this.courses.findAllowed(courseId, caller, 'course.manage');
    const items = await this.repository.findItems(courseId);
    return this.csvLines(courseId, items);
  }

  private async *csvLines(courseId: string, items: GradebookItemRow[]): AsyncGenerator<string> {
    yield csvRecord([
      'studentId',
      'fullName',
      'email',
      ...items.map((item) => item.title),
      'earned',
      'possible',
      'percentage',
    ]);
    let after: GradebookStudentRow | null = null;
    for (;;) {
      const batch = GradebookService.csvBatch;
      const students = await this.repository.findStudentsAfter(courseId, after, batch);
      if (students.length === 0) return;
      const rows = await this.rows(items, students);
      yield rows
        .map(({ row }) =>
          csvRecord([
            row.studentId,
            row.fullName,
            row.email,
            ...row.grades.map((grade) => grade.score),
            row.earned,
            row.possible,
            row.percentage,
          ]),
        )
        .join('');
      if (students.length < batch) return;
      after = students[students.length - 1];
    }
  }

  /** The rows of some students: one aggregate statement per item type, then pure rules. */
  private async rows(
    items: GradebookItemRow[],
    students: GradebookStudentRow[],
  ): Promise<Array<{ row: GradebookStudentResponse; feedback: Map<string, string | null> }>> {
    const aggregates: GradeAggregates = await this.repository.aggregates(
      items.filter((item) => item.type === 'quiz').map((item) => item.id),
      items.filter((item) => item.type === 'assignment').map((item) => item.id),
      students.map((student) => student.studentId),
      items.filter((item) => item.type === 'lti').map((item) => item.id),
    );
    const now = this.clock.now();
    return students.map((student) => {
      const feedback = new Map<string, string | null>();
      const cells = items.map((item): GradeCell & { maxPoints: number } => {
        const key = cellKey(item.id, student.studentId);
        if (item.type === 'quiz' || item.type === 'lti') {
          return { ...quizCell(item.id, aggregates.quizzes.get(key)), maxPoints: item.maxPoints };
        }
        const submission = aggregates.submissions.get(key);
        feedback.set(item.id, submission?.feedback ?? null);
        return {
          ...assignmentCell(item.id, submission, item.dueAt, now),
          maxPoints: item.maxPoints,
        };
      });
      return {
        row: {
          studentId: student.studentId,
          fullName: student.fullName,
          email: student.email,
          grades: cells.map(({ itemId, score, status }) => ({ itemId, score, status })),
          ...totalsOf(cells),
        },
        feedback,
      };
    });
  }
}

function toItemResponse(item: GradebookItemRow): GradebookItemResponse {
  return {
    id: item.id,
    type: item.type,
    title: item.title,
    maxPoints: item.maxPoints,
    dueAt: item.dueAt ? new Date(item.dueAt).toISOString() : null,
  };
}
