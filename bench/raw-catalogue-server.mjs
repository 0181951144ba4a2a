/**
 * The practical ceiling for the catalogue page: a bare `node:http` + `pg` server that answers
 * `GET /api/v1/courses` with the same JSON as the API (the success envelope, one page of
 * published courses, newest first, each with its instructor `{id, fullName}` and lesson count,
 * and the page meta) from the same rows, without a framework, a cache, middleware or logging.
 *
 * SQL: the page (courses LEFT JOIN users, lesson count as a correlated subquery, the API's order
 * `created_at DESC, id ASC`, timestamps written as ISO text by PostgreSQL, as the API has them)
 * and the total (`count(*)` of published courses), sent at once on two pooled connections. Pool
 * size DB_POOL_MAX (default 10, as the API).
 *
 * Started by bench/run-http.ts with `fork()`: it reports `{ port }` over IPC once listening
 * (127.0.0.1, a free port) and exits on SIGTERM/SIGINT or when its parent goes away.
 *   RAW_DATABASE_URL   postgres://... on 127.0.0.1 (required)
 *   DB_POOL_MAX        pool size (default 10)
 */
import http from 'node:http';
import pg from 'pg';

/** As the API: timestamps written by PostgreSQL as `toISOString()` text (UTC, ms, Z). */
const iso = (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const PAGE_SQL = `
  SELECT c.id, c.title, c.slug, c.description, c.category, c.difficulty_level, c.is_published,
         ${iso('c.published_at')} AS published_at, c.thumbnail_url, c.estimated_duration_minutes,
         c.metadata, c.instructor_id, u.full_name AS instructor_name, c.rating_sum, c.rating_count,
         ${iso('c.created_at')} AS created_at, ${iso('c.updated_at')} AS updated_at,
         (SELECT count(*)::int FROM lessons l WHERE l.course_id = c.id) AS lesson_count
    FROM courses c
    LEFT JOIN users u ON u.id = c.instructor_id
   WHERE c.is_published = true
   ORDER BY c.created_at DESC, c.id ASC
   LIMIT $1 OFFSET $2`;
const COUNT_SQL = 'SELECT count(*)::int AS total FROM courses c WHERE c.is_published = true';

const url = process.env.RAW_DATABASE_URL;
if (!url || new URL(url).hostname !== '127.0.0.1') {
  console.error('raw-catalogue-server: RAW_DATABASE_URL must point at 127.0.0.1');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DB_POOL_MAX ?? 10) });

/** `?page=&pageSize=` as the API accepts them (1.., 1..100); anything else is a 422. */
function pageOf(search) {
  const params = new URLSearchParams(search);
  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? 20);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize)) return null;
  if (pageSize < 1 || pageSize > 100) return null;
  return { page, pageSize };
}

function toCourse(row) {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    category: row.category,
    difficultyLevel: row.difficulty_level,
    isPublished: row.is_published,
    publishedAt: row.published_at,
    thumbnailUrl: row.thumbnail_url,
    estimatedDurationMinutes: row.estimated_duration_minutes,
    metadata: row.metadata,
    instructor: { id: row.instructor_id, fullName: row.instructor_name ?? '' },
    lessonCount: row.lesson_count,
    ratingAverage:
      row.rating_count > 0 ? Math.round((row.rating_sum / row.rating_count) * 100) / 100 : null,
    ratingCount: row.rating_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function send(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

async function catalogue(res, page, pageSize) {
  const [rows, count] = await Promise.all([
    pool.query(PAGE_SQL, [pageSize, (page - 1) * pageSize]),
    pool.query(COUNT_SQL),
  ]);
  const total = count.rows[0].total;
  send(res, 200, {
    success: true,
    message: 'OK',
    data: rows.rows.map(toCourse),
    meta: { page, pageSize, total, totalPages: Math.ceil(total / pageSize) },
  });
}

const server = http.createServer((req, res) => {
  const [path, search = ''] = (req.url ?? '/').split('?');
  if (req.method !== 'GET' || path !== '/api/v1/courses') {
    send(res, 404, { success: false, message: 'Not found' });
    return;
  }
  const paging = pageOf(search);
  if (!paging) {
    send(res, 422, { success: false, message: 'Bad paging' });
    return;
  }
  catalogue(res, paging.page, paging.pageSize).catch((error) => {
    console.error(`raw-catalogue-server: ${error.message}`);
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
  else console.log(`raw catalogue server on http://127.0.0.1:${port}/api/v1/courses`);
});
