import { ApiProperty } from '@nestjs/swagger';
import type { StoredFile } from '../entities/stored-file.entity';

export class FileResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'syllabus.pdf' }) originalFilename: string;
  @ApiProperty({ example: 'application/pdf' }) contentType: string;
  @ApiProperty({ description: 'Bytes' }) fileSize: number;
  @ApiProperty({ enum: ['local', 'azure'] }) storageProvider: string;
  @ApiProperty({ format: 'uuid' }) uploadedById: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export function toFileResponse(file: StoredFile): FileResponse {
  return {
    id: file.id,
    originalFilename: file.originalFilename,
    contentType: file.contentType,
    fileSize: Number(file.fileSize),
    storageProvider: file.storageProvider,
    uploadedById: file.uploadedById,
    createdAt: file.createdAt.toISOString(),
  };
}
