import { AuditModule } from '../audit/audit.module';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { AttemptsController } from './attempts.controller';
import { AttemptsRepository } from './attempts.repository';
import { AttemptsService } from './attempts.service';
import { Question } from './entities/question.entity';
import { QuizAttempt } from './entities/quiz-attempt.entity';
import { Quiz } from './entities/quiz.entity';
import { QuestionsController } from './questions.controller';
import { QuizzesController } from './quizzes.controller';
import { QuizzesRepository } from './quizzes.repository';
import { ExpireAttemptsProcessor } from './jobs/expire-attempts.processor';
import { QuizDefinitions } from './quiz-definitions';
import { QuizzesService } from './quizzes.service';
import { AttemptsPersonalData } from './attempts.personal-data';

@Module({
  imports: [
    AuditModule,
    TypeOrmModule.forFeature([Quiz, Question, QuizAttempt]),
    CoursesModule,
    EnrollmentsModule,
  ],
  controllers: [QuizzesController, QuestionsController, AttemptsController],
  providers: [
    AttemptsPersonalData,
    QuizzesService,
    QuizzesRepository,
    AttemptsService,
    AttemptsRepository,
    ExpireAttemptsProcessor,
    QuizDefinitions,
  ],
  exports: [QuizzesService],
})
export class QuizzesModule {}
