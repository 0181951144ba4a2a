import { Injectable } from '@nestjs/common';
import { Question } from './entities/question.entity';
import { Quiz } from './entities/quiz.entity';
import { QuizzesRepository } from './quizzes.repository';

/** Quizzes whose definitions one process keeps (least recently used ones go first). */
export const DEFINITION_CACHE_SIZE = 500;

interface Entry {
  version: number;
  questions: readonly Question[];
}

/**
 * A quiz's questions with their answer keys, kept in this process per definition version: a
 * whole class starting or submitting the same exam reads them once instead of once a request.
 *
 * Current across processes without any message between them: `quizzes.definition_version` is
 * moved on by database triggers in the transaction of every change of the quiz or of its
 * questions (migration QuizDefinitionVersion), and every caller passes the quiz row it has just
 * read from PostgreSQL for its own checks. Once a change commits, every later read of that row,
 * in any process, carries the new version, misses here and reloads. Questions and version are
 * loaded by one statement (one snapshot), so an entry never claims a newer version than its
 * questions. The questions, their options and answer keys are frozen: callers share them and
 * must not change them.
 */
@Injectable()
export class QuizDefinitions {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly quizzes: QuizzesRepository) {}

  /** The quiz's questions in authoring order (position, then creation). */
  async questionsOf(quiz: Pick<Quiz, 'id' | 'definitionVersion'>): Promise<Question[]> {
    const entry = this.entries.get(quiz.id);
    if (entry && entry.version === quiz.definitionVersion) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(quiz.id);
      this.entries.set(quiz.id, entry);
      return [...entry.questions];
    }
    const loaded = await this.quizzes.definitionOf(quiz.id);
    if (loaded.version !== null && (!entry || loaded.version > entry.version)) {
      this.entries.delete(quiz.id);
      this.entries.set(quiz.id, {
        version: loaded.version,
        questions: loaded.questions.map(frozen),
      });
      if (this.entries.size > DEFINITION_CACHE_SIZE) {
        this.entries.delete(this.entries.keys().next().value!);
      }
    }
    return [...loaded.questions];
  }
}

function frozen(question: Question): Question {
  if (question.options) Object.freeze(question.options);
  if (question.correctAnswer !== null && typeof question.correctAnswer === 'object') {
    Object.freeze(question.correctAnswer);
  }
  return Object.freeze(question);
}
