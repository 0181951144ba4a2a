import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOCK_REASONS, LOCK_STATUSES } from '../lesson-locks';
import type { LockReason, LockState, LockStatus } from '../lesson-locks';
import type { ModuleRow } from '../learning-modules.repository';
import { LessonOutlineResponse } from './lesson.response';

export class LockStateResponse {
  @ApiProperty({ enum: LOCK_STATUSES }) status: LockStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) unlocksAt: string | null;
  @ApiProperty({ enum: LOCK_REASONS, isArray: true }) reasons: LockReason[];
}

export class ModuleResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ minimum: 1 }) position: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) unlockAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) unlockAfterDays: number | null;
  @ApiProperty({ type: [String], format: 'uuid' }) prerequisiteModuleIds: string[];
  @ApiProperty() requireSequentialProgress: boolean;
  @ApiProperty({ minimum: 0 }) lessonCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ModuleLessonResponse extends LessonOutlineResponse {
  @ApiPropertyOptional({
    type: LockStateResponse,
    description: 'Only for a student enrolled in the course',
  })
  state?: LockStateResponse;
}

export class ModuleWithLessonsResponse extends ModuleResponse {
  @ApiProperty({ type: [ModuleLessonResponse] }) lessons: ModuleLessonResponse[];
  @ApiPropertyOptional({
    type: LockStateResponse,
    description: 'Only for a student enrolled in the course',
  })
  state?: LockStateResponse;
}

export function toLockStateResponse(state: LockState): LockStateResponse {
  return {
    status: state.status,
    unlocksAt: state.unlocksAt?.toISOString() ?? null,
    reasons: state.reasons,
  };
}

export function toModuleResponse({
  module,
  prerequisiteIds,
  lessonCount,
}: ModuleRow): ModuleResponse {
  return {
    id: module.id,
    courseId: module.courseId,
    title: module.title,
    description: module.description,
    position: module.position,
    unlockAt: module.unlockAt?.toISOString() ?? null,
    unlockAfterDays: module.unlockAfterDays,
    prerequisiteModuleIds: prerequisiteIds,
    requireSequentialProgress: module.requireSequentialProgress,
    lessonCount,
    createdAt: module.createdAt.toISOString(),
    updatedAt: module.updatedAt.toISOString(),
  };
}
