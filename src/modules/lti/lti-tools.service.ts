import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Paginated } from '../../common/dto/paginated';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { AuditLog } from '../audit/audit-log.service';
import { CreateLtiToolDto, UpdateLtiToolDto } from './dto/lti-tool.dto';
import { LtiToolResponse, toLtiToolResponse } from './dto/lti-tool.response';
import { LtiTool } from './entities/lti-tool.entity';
import { LtiToolNotFoundError } from './lti.errors';
import { LtiToolsRepository } from './lti-tools.repository';

/** The tool registry (admin); creations and deletions are audited in their transaction. */
@Injectable()
export class LtiToolsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tools: LtiToolsRepository,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateLtiToolDto): Promise<LtiToolResponse> {
    const tool = await this.dataSource.transaction(async (manager) => {
      const row = await this.tools.insert(manager, {
        name: dto.name,
        clientId: dto.clientId ?? randomUUID(),
        deploymentId: randomUUID(),
        loginInitiationUrl: dto.loginInitiationUrl,
        redirectUrls: dto.redirectUrls,
        jwksUrl: dto.jwksUrl,
        deepLinkingUrl: dto.deepLinkingUrl ?? null,
      });
      const changes = { name: row.name, clientId: row.clientId };
      await this.audit.record(manager, { action: 'lti.tool.created', resourceId: row.id, changes });
      return row;
    });
    return toLtiToolResponse(tool);
  }

  async list(query: PaginationQueryDto): Promise<Paginated<LtiToolResponse>> {
    const [rows, total] = await this.tools.findPage(
      Paginated.offset(query.page, query.pageSize),
      query.pageSize,
    );
    return new Paginated(rows.map(toLtiToolResponse), total, query.page, query.pageSize);
  }

  async get(id: string): Promise<LtiToolResponse> {
    return toLtiToolResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateLtiToolDto): Promise<LtiToolResponse> {
    await this.find(id);
    const changes: Partial<LtiTool> = { ...dto };
    if (Object.keys(changes).length > 0) await this.tools.update(id, changes);
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.tools.delete(manager, id))) throw new LtiToolNotFoundError();
      await this.audit.record(manager, { action: 'lti.tool.deleted', resourceId: id });
    });
  }

  /** For the launch and the token endpoint. */
  async find(id: string): Promise<LtiTool> {
    const tool = await this.tools.findById(id);
    if (!tool) throw new LtiToolNotFoundError();
    return tool;
  }

  findByClientId(clientId: string): Promise<LtiTool | null> {
    return this.tools.findByClientId(clientId);
  }
}
