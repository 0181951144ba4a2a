import { Injectable } from '@nestjs/common';
import { Question } from './entities/question.entity';
import { Quiz } from './entities/quiz.entity';
import { QuizzesRepository } from './quizzes.repository';

/** Quizzes whose definitions one process keeps (least recently used ones go first). */
export const DEFINITION_CACHE_SIZE = 500;

/** What one process keeps of a quiz, all of one definition version. */
interface Entry {
  version: number;
  quiz?: Quiz;
  questions?: readonly Question[];
}

type QuizRef = Pick<Quiz, 'id' | 'definitionVersion'>;

/**
 * A quiz's settings (its row) and its questions with their answer keys, kept in this process per
 * definition version: a whole class starting or submitting the same exam reads them once instead
 * of once a request.
 *
 * Current across processes without any message between them: `quizzes.definition_version` is
 * moved on by database triggers in the transaction of every change of the quiz row or of its
 * questions (migration QuizDefinitionVersion), and every caller passes the version it has just
 * read from PostgreSQL (the quiz row, or the attempt read joined with it). Once a change commits,
 * every later read of that version, in any process, misses here and reloads. What is loaded is
 * kept under the version it was read with (questions and version by one statement, one
 * snapshot), so an entry never claims a newer version than its contents. Quiz rows, questions,
 * their options and answer keys are frozen: callers share them and must not change them.
 */
@Injectable()
export class QuizDefinitions {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly quizzes: QuizzesRepository) {}

  /** The quiz row at `ref.definitionVersion` (or newer); null when the quiz was deleted. */
  async quizOf(ref: QuizRef): Promise<Quiz | null> {
    const kept = this.current(ref)?.quiz;
    if (kept) return kept;
    const quiz = await this.quizzes.findById(ref.id);
    if (quiz) this.keep(ref.id, quiz.definitionVersion, { quiz: frozenQuiz(quiz) });
    return quiz;
  }

  /** The quiz's questions in authoring order (position, then creation). */
  async questionsOf(ref: QuizRef): Promise<Question[]> {
    const kept = this.current(ref)?.questions;
    if (kept) return [...kept];
    const loaded = await this.quizzes.definitionOf(ref.id);
    if (loaded.version !== null) {
      this.keep(ref.id, loaded.version, { questions: loaded.questions.map(frozen) });
    }
    return [...loaded.questions];
  }

  /** The entry when it holds `ref`'s version, made the most recently used. */
  private current(ref: QuizRef): Entry | undefined {
    const entry = this.entries.get(ref.id);
    if (!entry || entry.version !== ref.definitionVersion) return undefined;
    // Most recently used last: Map keeps insertion order.
    this.entries.delete(ref.id);
    this.entries.set(ref.id, entry);
    return entry;
  }

  /** Adds what was read at `version`; an older version than the one kept is dropped. */
  private keep(id: string, version: number, contents: Omit<Entry, 'version'>): void {
    const entry = this.entries.get(id);
    if (entry && entry.version > version) return;
    this.entries.delete(id);
    const same = entry?.version === version ? entry : undefined;
    this.entries.set(id, { ...same, ...contents, version });
    if (this.entries.size > DEFINITION_CACHE_SIZE) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}

function frozenQuiz(quiz: Quiz): Quiz {
  if (quiz.draw) Object.freeze(quiz.draw.map((pool) => Object.freeze(pool)));
  return Object.freeze(quiz);
}

function frozen(question: Question): Question {
  if (question.options) Object.freeze(question.options);
  if (question.correctAnswer !== null && typeof question.correctAnswer === 'object') {
    Object.freeze(question.correctAnswer);
  }
  return Object.freeze(question);
}
