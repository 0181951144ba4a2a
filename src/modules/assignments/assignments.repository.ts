import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Assignment } from './entities/assignment.entity';

@Injectable()
export class AssignmentsRepository {
  constructor(@InjectRepository(Assignment) private readonly assignments: Repository<Assignment>) {}

  async insert(data: QueryDeepPartialEntity<Assignment>): Promise<Assignment> {
    const result = await this.assignments.insert(data);
    return this.assignments.findOneByOrFail({ id: (result.identifiers[0] as { id: string }).id });
  }

  findById(id: string, manager?: EntityManager): Promise<Assignment | null> {
    return (manager ? manager.getRepository(Assignment) : this.assignments).findOneBy({ id });
  }

  findByCourse(courseId: string, publishedOnly: boolean): Promise<Assignment[]> {
    return this.assignments.find({
      where: { courseId, ...(publishedOnly ? { isPublished: true } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async update(id: string, changes: QueryDeepPartialEntity<Assignment>): Promise<void> {
    await this.assignments.update({ id }, changes);
  }

  /** Its submissions go with it (foreign key cascade). */
  async delete(id: string): Promise<void> {
    await this.assignments.delete({ id });
  }

  /** One conditional statement: true when this call published it, false when it already was. */
  async publish(manager: EntityManager, id: string): Promise<boolean> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE assignments SET is_published = true, updated_at = now()
        WHERE id = $1 AND NOT is_published RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}
