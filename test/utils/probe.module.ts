import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Module,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsString,
  IsUUID,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DataSource } from 'typeorm';
import { Public } from '../../src/common/decorators/public.decorator';
import { Paginated } from '../../src/common/dto/paginated';
import { PaginationQueryDto } from '../../src/common/dto/pagination-query.dto';
import { SortBy } from '../../src/common/dto/sort';
import { ConflictError } from '../../src/common/errors/app-error';
import { uuidParam } from '../../src/common/pipes/parse-uuid.pipe';
import { mailJob } from '../../src/infra/mail/mail.service';
import { OutboxService } from '../../src/infra/outbox/outbox.service';

class AnswerDto {
  @IsUUID()
  questionId: string;

  @IsString()
  answer: string;
}

class CreateProbeDto {
  @IsEmail()
  email: string;

  @IsString()
  @MinLength(3)
  name: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => AnswerDto)
  answers: AnswerDto[];
}

class ListProbeQuery extends PaginationQueryDto {
  @SortBy(['createdAt', 'title'], '-createdAt')
  sort: string = '-createdAt';
}

class MailProbeDto {
  @IsEmail()
  to: string;
}

/**
 * Routes that exercise the platform pipeline (validation, errors, envelope, outbox) in e2e tests,
 * before the domain modules exist. Mounted only by tests.
 */
@Public()
@Controller('probe')
class ProbeController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  @Get('items')
  list(@Query() query: ListProbeQuery): Paginated<{ n: number }> {
    const total = 45;
    const start = Paginated.offset(query.page, query.pageSize);
    const items = Array.from(
      { length: Math.max(0, Math.min(query.pageSize, total - start)) },
      (_, i) => ({
        n: start + i + 1,
      }),
    );
    return new Paginated(items, total, query.page, query.pageSize);
  }

  @Get('items/:id')
  get(@Param('id', uuidParam()) id: string): { id: string } {
    return { id };
  }

  @Post('items')
  create(@Body() body: CreateProbeDto): CreateProbeDto {
    return body;
  }

  @Delete('items/:id')
  @HttpCode(204)
  remove(@Param('id', uuidParam()) _id: string): void {}

  @Get('conflict')
  conflict(): never {
    throw new ConflictError('Slug already taken');
  }

  @Get('boom')
  boom(): never {
    throw new Error('relation "secret_table" does not exist at /srv/app/src/secret.ts:42');
  }

  @Get('big')
  big(): { text: string } {
    return { text: 'x'.repeat(20_000) };
  }

  /** A response of about 4 KB: below the compression threshold. */
  @Get('medium')
  medium(): { text: string } {
    return { text: 'x'.repeat(4_000) };
  }

  @Post('mail')
  @HttpCode(202)
  async mail(@Body() body: MailProbeDto): Promise<{ queued: true }> {
    await this.dataSource.transaction((manager) =>
      this.outbox.add(
        manager,
        mailJob({ to: body.to, template: 'welcome', context: { fullName: 'Ada', email: body.to } }),
      ),
    );
    return { queued: true };
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
