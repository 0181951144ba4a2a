import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { LtiTool } from './entities/lti-tool.entity';
import { LtiClientIdTakenError, LtiToolInUseError } from './lti.errors';

function translate(error: unknown): never {
  const driver =
    error instanceof QueryFailedError
      ? (error.driverError as { code?: string; constraint?: string })
      : {};
  if (driver.code === '23505' && driver.constraint === 'uq_lti_tools_client_id') {
    throw new LtiClientIdTakenError();
  }
  if (driver.code === '23503' && driver.constraint === 'fk_lessons_lti_tool') {
    throw new LtiToolInUseError();
  }
  throw error;
}

@Injectable()
export class LtiToolsRepository {
  constructor(@InjectRepository(LtiTool) private readonly tools: Repository<LtiTool>) {}

  async insert(manager: EntityManager, data: Partial<LtiTool>): Promise<LtiTool> {
    const repo = manager.getRepository(LtiTool);
    const result = await repo.insert(data).catch(translate);
    return repo.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  findById(id: string): Promise<LtiTool | null> {
    return this.tools.findOneBy({ id });
  }

  findByClientId(clientId: string): Promise<LtiTool | null> {
    return this.tools.findOneBy({ clientId });
  }

  findPage(offset: number, limit: number): Promise<[LtiTool[], number]> {
    return this.tools.findAndCount({
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  async update(id: string, changes: Partial<LtiTool>): Promise<void> {
    await this.tools.update({ id }, changes).catch(translate);
  }

  /** False when no such tool; LTI_TOOL_IN_USE (409) while lessons launch it. */
  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const result = await manager.getRepository(LtiTool).delete({ id }).catch(translate);
    return (result.affected ?? 0) > 0;
  }
}
