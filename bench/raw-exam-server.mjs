/**
 * The bare reference for the exam burst (`npm run bench -- exam`): a `node:http` + `pg` server
 * that starts and submits quiz attempts with the API's guarantees, on the same schema (migrated by
 * the real CLI), the same rows and the same indexes, without a framework, cache or logging.
 *
 *   POST /api/v1/quizzes/:id/attempts   start: 201 {data: {attempt, questions}}
 *   POST /api/v1/attempts/:id/submit    submit {answers: [{questionId, answer}]}: 200 {data}
 *
 * Guarantees kept (what the API checks, in fewer round trips):
 * - the bearer token: HS256 signature with the same secret (JWT_SECRET), `type` access, `exp`
 *   not passed, `sub`/`jti`/`iat` present; then, in PostgreSQL in the same statement as the
 *   work, the user exists, is active, not deleted, the token was issued at or after the user's
 *   `tokens_valid_after`, and its `jti` is not in `revoked_tokens` (the table the API's Redis
 *   fast path mirrors: same guarantee, read where the truth is);
 * - start: quiz and course published, caller a student enrolled in the course, the quiz's lesson
 *   not locked (a course with modules is refused with 501: the bench course has none), attempt
 *   limit, one attempt in progress per student and quiz (the partial unique index
 *   ux_quiz_attempts_in_progress; an expired in-progress attempt is closed first, as the API
 *   does), attempt number = attempts so far + 1 (ux_quiz_attempts_number); ONE statement;
 * - submit: the caller owns the attempt, status in_progress, deadline + 30 s grace, answers
 *   only to the attempt's questions and at most once each, graded by the API's own grading
 *   functions (dist/modules/quizzes/grading.js), the attempt finished conditionally on
 *   `in_progress` (exactly one of two parallel submits wins), and in the same transaction, when
 *   passed and tied to a lesson: the course row share-locked (lesson set held), the enrollment
 *   row locked, the lesson marked done (unique index), completed lessons recounted, the
 *   enrollment's progress/status updated, and a `lesson.completed` outbox row; always a
 *   `quiz.attempt.submitted` outbox row. Course completion (certificate and mail jobs) is not
 *   implemented: a submit that would complete the course answers 501 (the bench quiz is tied to
 *   the second of two lessons, so it never happens).
 * - shuffled or drawn quizzes are refused with 501 (the bench quiz is neither).
 *
 * Started by bench/exam-http.ts with fork(): it reports `{ port }` over IPC once listening on
 * 127.0.0.1 and exits on SIGTERM/SIGINT or when its parent goes away.
 *   RAW_DATABASE_URL   postgres://... on 127.0.0.1 (required)
 *   JWT_SECRET         the API's secret (required)
 *   DB_POOL_MAX        pool size (default 10, as the API)
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import pg from 'pg';

const require = createRequire(import.meta.url);
const { gradeAttempt, hasPassed } = require('../dist/modules/quizzes/grading.js');

const SUBMIT_GRACE_MS = 30_000;
const url = process.env.RAW_DATABASE_URL;
if (!url || new URL(url).hostname !== '127.0.0.1') {
  console.error('raw-exam-server: RAW_DATABASE_URL must point at 127.0.0.1');
  process.exit(2);
}
if (!process.env.JWT_SECRET) {
  console.error('raw-exam-server: JWT_SECRET is required');
  process.exit(2);
}
const SECRET = Buffer.from(process.env.JWT_SECRET, 'utf8');
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX ?? 10) });

class HttpError extends Error {
  constructor(status, text) {
    super(text);
    this.status = status;
  }
}

/** HS256 verification of an access token; the claims, or a 401. */
function verify(header) {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (!token) throw new HttpError(401, 'A bearer access token is required');
  const parts = token.split('.');
  if (parts.length !== 3) throw new HttpError(401, 'Invalid token');
  const expected = createHmac('sha256', SECRET).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, 'Invalid token');
  }
  let head;
  let claims;
  try {
    head = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new HttpError(401, 'Invalid token');
  }
  const now = Date.now() / 1000;
  if (
    head?.alg !== 'HS256' ||
    claims?.type !== 'access' ||
    typeof claims.sub !== 'string' ||
    typeof claims.jti !== 'string' ||
    !Number.isFinite(claims.exp) ||
    !Number.isFinite(claims.iat) ||
    claims.exp <= now ||
    (claims.nbf !== undefined && claims.nbf > now)
  ) {
    throw new HttpError(401, 'Invalid token');
  }
  return claims;
}

/** The caller, as a CTE: active, not deleted, token not before the cut-off, not revoked. */
const CALLER_CTE = `caller AS (
  SELECT u.id, u.role FROM users u
   WHERE u.id = $2::uuid AND u.is_active AND u.deleted_at IS NULL
     AND $3::bigint >= ceil(extract(epoch FROM u.tokens_valid_after))
     AND NOT EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = $4::uuid))`;

const START_SQL = `
WITH ${CALLER_CTE},
quiz AS (
  SELECT q.id, q.course_id, q.lesson_id, q.max_attempts, q.time_limit_minutes,
         q.shuffle_questions OR q.shuffle_options OR q.draw IS NOT NULL AS unsupported
    FROM quizzes q JOIN courses c ON c.id = q.course_id
   WHERE q.id = $1::uuid AND q.is_published AND c.is_published),
enr AS (SELECT e.id FROM enrollments e JOIN quiz ON e.course_id = quiz.course_id
         WHERE e.student_id = $2::uuid),
qs AS (SELECT id, text, type, options, position FROM questions WHERE quiz_id = $1::uuid),
used AS (SELECT count(*)::int AS n FROM quiz_attempts WHERE quiz_id = $1::uuid AND student_id = $2::uuid),
mods AS (SELECT EXISTS (SELECT 1 FROM course_modules m JOIN quiz ON m.course_id = quiz.course_id) AS found),
ins AS (
  INSERT INTO quiz_attempts (quiz_id, student_id, enrollment_id, attempt_number, started_at,
                             expires_at, question_order)
  SELECT quiz.id, caller.id, enr.id, used.n + 1, now(),
         now() + make_interval(mins => quiz.time_limit_minutes),
         (SELECT coalesce(jsonb_agg(qs.id ORDER BY qs.position), '[]'::jsonb) FROM qs)
    FROM caller, quiz, enr, used, mods
   WHERE caller.role = 'student' AND NOT quiz.unsupported
     AND (quiz.max_attempts IS NULL OR used.n < quiz.max_attempts)
     AND (quiz.lesson_id IS NULL OR NOT mods.found)
  ON CONFLICT (quiz_id, student_id) WHERE status = 'in_progress' DO NOTHING
  RETURNING id, quiz_id, student_id, attempt_number, status, grading_status, started_at, expires_at)
SELECT (SELECT role FROM caller) AS role,
       (SELECT row_to_json(quiz) FROM quiz) AS quiz,
       (SELECT id FROM enr) AS enrollment_id,
       (SELECT n FROM used) AS used,
       (SELECT found FROM mods) AS modules,
       (SELECT row_to_json(ins) FROM ins) AS attempt,
       (SELECT json_agg(json_build_object('id', id, 'text', text, 'type', type, 'options', options)
                        ORDER BY position) FROM qs) AS questions`;

/** Closes the student's in-progress attempt of the quiz when it is past deadline + grace. */
const EXPIRE_STALE_SQL = `
UPDATE quiz_attempts a
   SET status = 'expired', score = 0, percentage = 0, passed = false, updated_at = now(),
       max_score = (SELECT coalesce(sum(q.points), 0)::int FROM questions q
                     WHERE q.id::text IN (SELECT jsonb_array_elements_text(a.question_order)))
 WHERE a.quiz_id = $1 AND a.student_id = $2 AND a.status = 'in_progress'
   AND a.expires_at IS NOT NULL AND a.expires_at + interval '30 seconds' < now()
RETURNING a.id`;

async function start(quizId, claims) {
  for (let round = 0; ; round++) {
    const { rows } = await pool.query(START_SQL, [quizId, claims.sub, claims.iat, claims.jti]);
    const row = rows[0];
    if (!row.role) throw new HttpError(401, 'Invalid token');
    if (!row.quiz) throw new HttpError(404, 'Quiz not found');
    if (row.attempt) {
      return {
        attempt: { ...row.attempt, attemptNumber: row.attempt.attempt_number },
        questions: row.questions ?? [],
      };
    }
    if (row.role !== 'student') throw new HttpError(403, 'Only enrolled students take quizzes');
    if (!row.enrollment_id) throw new HttpError(403, 'Enroll in the course to take this quiz');
    if (row.quiz.unsupported) throw new HttpError(501, 'Shuffled or drawn quizzes');
    if (row.quiz.lesson_id && row.modules) throw new HttpError(501, 'Lesson locks of modules');
    if (row.quiz.max_attempts !== null && row.used >= row.quiz.max_attempts) {
      throw new HttpError(409, 'Maximum attempts reached');
    }
    // The partial unique index refused it: an attempt in progress, closed when stale.
    if (round > 0) throw new HttpError(409, 'An attempt is already in progress');
    const closed = await pool.query(EXPIRE_STALE_SQL, [quizId, claims.sub]);
    if (closed.rowCount === 0) throw new HttpError(409, 'An attempt is already in progress');
  }
}

const READ_ATTEMPT_SQL = `
WITH ${CALLER_CTE},
a AS (SELECT id, quiz_id, student_id, enrollment_id, attempt_number, status, started_at,
             expires_at, question_order
        FROM quiz_attempts WHERE id = $1::uuid)
SELECT (SELECT role FROM caller) AS role,
       (SELECT row_to_json(a) FROM a) AS attempt,
       (SELECT row_to_json(q) FROM (
          SELECT passing_score_percentage, lesson_id, course_id, show_correct_answers
            FROM quizzes WHERE id = (SELECT quiz_id FROM a)) q) AS quiz,
       (SELECT json_agg(json_build_object('id', q.id, 'type', q.type,
                 'correctAnswer', q.correct_answer, 'points', q.points,
                 'tolerance', q.tolerance, 'explanation', q.explanation))
          FROM questions q
         WHERE q.id IN (SELECT jsonb_array_elements_text(a.question_order)::uuid FROM a)) AS questions`;

const FINISH_SQL = `
UPDATE quiz_attempts
   SET status = 'submitted', submitted_at = now(), answers = $2, results = $3, score = $4,
       max_score = $5, percentage = $6, passed = $7, grading_status = $8, updated_at = now()
 WHERE id = $1 AND status = 'in_progress'
RETURNING id, quiz_id, student_id, attempt_number, status, grading_status, started_at,
          expires_at, submitted_at, score, max_score, percentage, passed`;

const LOCK_SQL = `
SELECT e.status FROM enrollments e JOIN courses c ON c.id = e.course_id
 WHERE e.id = $1 FOR UPDATE OF e FOR SHARE OF c`;

/** Lesson done, recount, enrollment updated, lesson.completed written: one statement. */
const COMPLETE_SQL = `
WITH ins AS (
  INSERT INTO lesson_progress (enrollment_id, lesson_id) VALUES ($1, $2)
  ON CONFLICT (enrollment_id, lesson_id) DO NOTHING RETURNING id),
cnt AS (
  SELECT (SELECT count(*)::int FROM lesson_progress WHERE enrollment_id = $1 AND completed)
           + (SELECT count(*)::int FROM ins) AS done,
         (SELECT count(*)::int FROM lessons WHERE course_id = $3) AS total),
upd AS (
  UPDATE enrollments e
     SET completed_lessons = cnt.done,
         progress_percentage = CASE WHEN e.status = 'active' AND cnt.total > 0
           THEN round(least(cnt.done, cnt.total)::numeric * 100 / cnt.total, 2)
           ELSE e.progress_percentage END,
         updated_at = now()
    FROM cnt
   WHERE e.id = $1 AND EXISTS (SELECT 1 FROM ins)
     AND NOT (e.status = 'active' AND cnt.total > 0 AND cnt.done >= cnt.total)
  RETURNING e.id, e.student_id, e.course_id, e.status, e.progress_percentage,
            e.completed_lessons, e.enrolled_at, e.completed_at, cnt.total),
ev AS (
  INSERT INTO outbox_messages (queue, name, payload)
  SELECT 'webhooks', 'domain-event', jsonb_build_object(
           'id', gen_random_uuid(), 'type', 'lesson.completed', 'timestamp', now(),
           'data', jsonb_build_object('id', upd.id, 'studentId', upd.student_id,
             'courseId', upd.course_id, 'status', upd.status,
             'progressPercentage', upd.progress_percentage,
             'completedLessons', upd.completed_lessons, 'totalLessons', upd.total,
             'enrolledAt', upd.enrolled_at, 'completedAt', upd.completed_at, 'lessonId', $2::uuid))
    FROM upd
  RETURNING id)
SELECT (SELECT count(*)::int FROM ins) AS inserted, (SELECT count(*)::int FROM upd) AS updated,
       (SELECT done FROM cnt) AS done, (SELECT total FROM cnt) AS total`;

const EVENT_SQL = `INSERT INTO outbox_messages (queue, name, payload) VALUES ('webhooks', 'domain-event', $1)`;

const EXPIRE_ONE_SQL = `
UPDATE quiz_attempts a
   SET status = 'expired', score = 0, percentage = 0, passed = false, updated_at = now(),
       max_score = (SELECT coalesce(sum(q.points), 0)::int FROM questions q
                     WHERE q.id::text IN (SELECT jsonb_array_elements_text(a.question_order)))
 WHERE a.id = $1 AND a.status = 'in_progress'`;

function answerMap(order, answers) {
  if (!Array.isArray(answers)) throw new HttpError(422, 'answers must be an array');
  const allowed = new Set(order);
  const map = new Map();
  for (const item of answers) {
    if (!item || typeof item.questionId !== 'string' || !allowed.has(item.questionId)) {
      throw new HttpError(400, 'An answer refers to a question outside this quiz');
    }
    if (map.has(item.questionId)) throw new HttpError(400, 'A question was answered twice');
    map.set(item.questionId, item.answer);
  }
  return map;
}

function attemptResponse(row, showCorrectAnswers) {
  return {
    id: row.id,
    quizId: row.quiz_id,
    studentId: row.student_id,
    attemptNumber: row.attempt_number,
    status: row.status,
    gradingStatus: row.grading_status,
    startedAt: row.started_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    submittedAt: row.submitted_at?.toISOString() ?? null,
    score: row.score,
    maxScore: row.max_score,
    percentage: row.percentage === null ? null : Number(row.percentage),
    passed: row.passed,
    results: row.results.map((r) => ({
      questionId: r.questionId,
      answer: r.answer,
      correct: r.correct,
      pointsAwarded: r.pointsAwarded,
      feedback: r.feedback ?? null,
      ...(showCorrectAnswers
        ? { correctAnswer: r.correctAnswer, explanation: r.explanation ?? null }
        : {}),
    })),
  };
}

async function submit(attemptId, claims, body) {
  const { rows } = await pool.query(READ_ATTEMPT_SQL, [
    attemptId,
    claims.sub,
    claims.iat,
    claims.jti,
  ]);
  const { role, attempt, quiz, questions } = rows[0];
  if (!role) throw new HttpError(401, 'Invalid token');
  if (!attempt) throw new HttpError(404, 'Attempt not found');
  if (attempt.student_id !== claims.sub) throw new HttpError(404, 'Attempt not found');
  if (attempt.status === 'expired') throw new HttpError(409, 'The attempt has expired');
  if (attempt.status === 'submitted') throw new HttpError(409, 'Already submitted');
  const answers = answerMap(attempt.question_order, body?.answers);
  if (attempt.expires_at && Date.now() > new Date(attempt.expires_at).getTime() + SUBMIT_GRACE_MS) {
    await pool.query(EXPIRE_ONE_SQL, [attempt.id]);
    throw new HttpError(409, 'The attempt has expired');
  }
  const byId = new Map((questions ?? []).map((q) => [q.id, q]));
  const ordered = attempt.question_order.flatMap((id) => byId.get(id) ?? []);
  const graded = gradeAttempt(ordered, answers);
  const passed =
    graded.gradingStatus === 'pending'
      ? null
      : hasPassed(graded.percentage, quiz.passing_score_percentage);

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const finished = await client.query(FINISH_SQL, [
      attempt.id,
      JSON.stringify(body.answers.map((a) => ({ questionId: a.questionId, answer: a.answer }))),
      JSON.stringify(graded.results),
      graded.score,
      graded.maxScore,
      String(graded.percentage),
      passed,
      graded.gradingStatus,
    ]);
    if (finished.rowCount === 0) throw new HttpError(409, 'Already submitted');
    if (passed && quiz.lesson_id) {
      await client.query(LOCK_SQL, [attempt.enrollment_id]);
      const done = await client.query(COMPLETE_SQL, [
        attempt.enrollment_id,
        quiz.lesson_id,
        quiz.course_id,
      ]);
      const { inserted, updated } = done.rows[0];
      if (inserted > 0 && updated === 0) throw new HttpError(501, 'Course completion');
    }
    const saved = { ...finished.rows[0], results: graded.results };
    const response = attemptResponse(saved, quiz.show_correct_answers);
    await client.query(EVENT_SQL, [
      {
        id: randomUUID(),
        type: 'quiz.attempt.submitted',
        timestamp: new Date().toISOString(),
        data: response,
      },
    ]);
    await client.query('COMMIT');
    return response;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const START_PATH = new RegExp(`^/api/v1/quizzes/(${UUID})/attempts$`);
const SUBMIT_PATH = new RegExp(`^/api/v1/attempts/(${UUID})/submit$`);

async function handle(req, res) {
  const path = (req.url ?? '/').split('?')[0];
  const startMatch = START_PATH.exec(path);
  const submitMatch = SUBMIT_PATH.exec(path);
  if (req.method !== 'POST' || (!startMatch && !submitMatch)) {
    throw new HttpError(404, 'Not found');
  }
  const claims = verify(req.headers.authorization);
  if (startMatch) {
    req.resume();
    send(res, 201, { success: true, data: await start(startMatch[1], claims) });
    return;
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 1_000_000) throw new HttpError(413, 'Too large');
    chunks.push(chunk);
  }
  let body;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Malformed JSON');
  }
  send(res, 200, { success: true, data: await submit(submitMatch[1], claims, body) });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (error instanceof HttpError) {
      send(res, error.status, { success: false, message: error.message });
      return;
    }
    console.error(`raw-exam-server: ${error.message}`);
    send(res, 500, { success: false, message: 'Internal error' });
  });
});
server.keepAliveTimeout = 65_000;

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('disconnect', shutdown);

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ port });
  else console.log(`raw exam server on http://127.0.0.1:${port}`);
});
