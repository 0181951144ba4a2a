import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `quizzes.definition_version`: a counter that every change of a quiz or of its questions moves
 * on, in the transaction of the change, so that a process may keep a quiz's published
 * definition (questions and answer keys) in memory and know it is current from the quiz row it
 * reads anyway (issue 23: the synchronised exam reads the same ten questions for every student).
 *
 * Triggers rather than application code, so that no writer can forget it (the API, the seed, a
 * hand-written UPDATE): BEFORE UPDATE on quizzes sets the new row's version to the old one + 1;
 * AFTER INSERT/UPDATE/DELETE on questions bumps the quiz row of the old and the new quiz_id
 * (which fires the first trigger: still old + 1). Deleting a quiz deletes its questions by
 * cascade; their trigger then updates no row.
 */
export class QuizDefinitionVersion1795948568646 implements MigrationInterface {
  name = 'QuizDefinitionVersion1795948568646';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "quizzes" ADD "definition_version" integer NOT NULL DEFAULT 1`,
    );
    await queryRunner.query(
      `CREATE FUNCTION "quizzes_bump_definition_version"() RETURNS trigger
         LANGUAGE plpgsql AS $$
       BEGIN
         NEW.definition_version := OLD.definition_version + 1;
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_quizzes_definition_version" BEFORE UPDATE ON "quizzes"
         FOR EACH ROW EXECUTE FUNCTION "quizzes_bump_definition_version"()`,
    );
    await queryRunner.query(
      `CREATE FUNCTION "questions_bump_quiz_definition_version"() RETURNS trigger
         LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           UPDATE quizzes SET definition_version = definition_version + 1 WHERE id = OLD.quiz_id;
         END IF;
         IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.quiz_id <> OLD.quiz_id) THEN
           UPDATE quizzes SET definition_version = definition_version + 1 WHERE id = NEW.quiz_id;
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_questions_quiz_definition_version"
         AFTER INSERT OR UPDATE OR DELETE ON "questions"
         FOR EACH ROW EXECUTE FUNCTION "questions_bump_quiz_definition_version"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_questions_quiz_definition_version" ON "questions"`);
    await queryRunner.query(`DROP FUNCTION "questions_bump_quiz_definition_version"()`);
    await queryRunner.query(`DROP TRIGGER "tr_quizzes_definition_version" ON "quizzes"`);
    await queryRunner.query(`DROP FUNCTION "quizzes_bump_definition_version"()`);
    await queryRunner.query(`ALTER TABLE "quizzes" DROP COLUMN "definition_version"`);
  }
}
